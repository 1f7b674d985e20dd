using System.Text;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Platform.Storage;
using Platform.Storage.Configuration;
using Platform.Testing;

namespace Platform.Deploy.Tests;

/// <summary>
/// IRSA on EKS, and the other clouds' pods reading S3, give a pod AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE and nothing
/// else. AWSSDK.Core then assumes the role with the token through STS, which it can only do with AWSSDK.SecurityToken
/// present (it finds STS by reflection). moto_server plays STS and S3 here; it accepts any token, so what is tested is the
/// SDK's chain and Platform.Storage's S3 provider, not AWS's token validation.
/// </summary>
public sealed class AwsWebIdentityTests : IAsyncLifetime
{
    private const string RoleArn = "arn:aws:iam::123456789012:role/platform-reader-gke";

    private static readonly string[] Variables =
    [
        "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_REGION", "AWS_ENDPOINT_URL_STS",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
        "AWS_EC2_METADATA_DISABLED",
    ];

    private readonly Dictionary<string, string?> _saved = Variables.ToDictionary(name => name, Environment.GetEnvironmentVariable);
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-web-identity-").FullName;
    private RunningEmulator? _moto;

    public async ValueTask InitializeAsync()
    {
        _moto = await LocalEmulators.StartS3Async();
        var token = Path.Combine(_folder, "token");
        await File.WriteAllTextAsync(token, "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cGxhdGZvcm06c3luYy1nY3AifQ.c2lnbmF0dXJl");

        // Exactly what the generated overlays give a pod on GKE or AKS (EKS's webhook sets the same two for the pod's own role).
        Environment.SetEnvironmentVariable("AWS_ROLE_ARN", RoleArn);
        Environment.SetEnvironmentVariable("AWS_WEB_IDENTITY_TOKEN_FILE", token);
        Environment.SetEnvironmentVariable("AWS_ROLE_SESSION_NAME", "sync-gcp");
        Environment.SetEnvironmentVariable("AWS_REGION", "us-east-1");
        Environment.SetEnvironmentVariable("AWS_ENDPOINT_URL_STS", _moto.Endpoint);
        // Nothing else the chain would take first: no keys, no profile, no instance metadata.
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(_folder, "no-credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(_folder, "no-config"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }

    [Fact]
    public async Task The_default_chain_assumes_the_role_with_the_token_file_when_both_are_set()
    {
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();

        Assert.IsType<AssumeRoleWithWebIdentityCredentials>(credentials);
        var session = await credentials.GetCredentialsAsync();
        Assert.False(string.IsNullOrEmpty(session.AccessKey));
        Assert.False(string.IsNullOrEmpty(session.Token), "a role session has a session token; long-lived keys do not");
    }

    [Fact]
    public async Task An_s3_store_without_keys_writes_and_reads_with_the_assumed_role()
    {
        var store = ObjectStoreFactory.Create("aws", new ObjectStoreOptions
        {
            Provider = ObjectStoreProvider.S3, Bucket = "platform-models-aws", Endpoint = _moto!.Endpoint, Region = "us-east-1",
        });
        var content = Encoding.UTF8.GetBytes("an artifact read across clouds");

        await store.EnsureCreatedAsync(TestContext.Current.CancellationToken);
        await store.PutAsync("models/iris/1/model.onnx", new MemoryStream(content), cancellationToken: TestContext.Current.CancellationToken);
        await using var read = await store.OpenReadAsync("models/iris/1/model.onnx", cancellationToken: TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await read.CopyToAsync(copy, TestContext.Current.CancellationToken);

        Assert.Equal(content, copy.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        if (_moto is not null)
        {
            await _moto.DisposeAsync();
        }
        Directory.Delete(_folder, recursive: true);
    }
}
