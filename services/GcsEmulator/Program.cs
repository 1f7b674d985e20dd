// PLACEHOLDER: being written by a helper.
var app = WebApplication.CreateBuilder(args).Build();
app.Run();
