namespace Platform.Storage.Bench;

/// <summary>The baseline: the provider's SDK used the plain way a developer would, with no hashing, staging or checks.</summary>
public interface IRawObjectClient
{
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    Task GetAsync(string key, Stream destination, CancellationToken cancellationToken = default);
}
