namespace Platform.Inference.Tests.Hosting;

/// <summary>
/// One in-process server for a test class, serving the model files a subclass declares (<see cref="Declare"/>); started
/// once for the class and ready (every model loaded) before the first test.
/// </summary>
public abstract class ServedModelsFixture : IAsyncLifetime
{
    private readonly ModelFolder _models = new();

    public Platform.Testing.InProcessServer Server { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>Writes the models into <paramref name="models"/> and sets what the server is configured with.</summary>
    protected abstract void Declare(ModelFolder models);

    public async ValueTask InitializeAsync()
    {
        Declare(_models);
        Server = await InferenceServer.StartAsync(_models.Settings);
        Client = Server.CreateClient();
        await InferenceServer.WaitUntilReadyAsync(Client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        _models.Dispose();
        GC.SuppressFinalize(this);
    }
}
