using Platform.Inference.Apis;
using Platform.Inference.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapInference();

app.Run();
