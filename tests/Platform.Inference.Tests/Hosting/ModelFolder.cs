namespace Platform.Inference.Tests.Hosting;

/// <summary>A temp folder of ONNX files, and the settings that declare each as a served model.</summary>
public sealed class ModelFolder : IDisposable
{
    private readonly Dictionary<string, string?> _settings = new();

    public string Path { get; } = Directory.CreateTempSubdirectory("platform-inference-models-").FullName;

    public IReadOnlyDictionary<string, string?> Settings => _settings;

    /// <summary>Writes the model and declares it as <paramref name="name"/>; returns the file's path.</summary>
    public string Add(string name, byte[] onnx, string? version = null)
    {
        var file = Write(name + ".onnx", onnx);
        _settings[$"Inference:Models:{name}:Path"] = file;
        if (version is not null)
        {
            _settings[$"Inference:Models:{name}:Version"] = version;
        }
        return file;
    }

    public string Write(string fileName, byte[] content)
    {
        var file = System.IO.Path.Combine(Path, fileName);
        File.WriteAllBytes(file, content);
        return file;
    }

    public void Set(string key, string? value) => _settings[key] = value;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
