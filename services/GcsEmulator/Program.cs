using Platform.GcsEmulator;

// dotnet run --project services/GcsEmulator -- --urls http://127.0.0.1:4443 --data ./gcs-data
var app = GcsEmulatorApp.Build(args);
app.Run();
