using Platform.Registry.Apis;
using Platform.Registry.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapRegistry();

app.Run();
