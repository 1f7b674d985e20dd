using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Platform.Registry.Apis;
using Platform.Registry.Tests.Hosting;

namespace Platform.Registry.Tests;

/// <summary>A registry that logs everything, down to Trace, into memory.</summary>
public sealed class LogCapturingRegistryFixture : SqliteRegistryFixture
{
    public ConcurrentQueue<string> Lines { get; } = new();

    protected override void ConfigureLogging(ILoggingBuilder logging) =>
        logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingProvider(Lines));

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(";", pairs.Select(pair => $"{pair.Key}={pair.Value}")) : "";
            lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} [{properties}] {exception}");
        }
    }
}

public sealed class SecretLoggingTests(LogCapturingRegistryFixture fixture) : IClassFixture<LogCapturingRegistryFixture>
{
    [Fact]
    public async Task No_api_key_token_or_signing_key_appears_in_any_log_line()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var name = RegistryHttp.NewModelName();
        await fixture.Writer.CreateModelAsync(name);
        await fixture.Writer.RegisterAsync(name);
        const string wrongKey = "a-wrong-key-somebody-pasted-0123";
        using var wrong = fixture.Server.CreateClient(wrongKey);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsJsonAsync("/api/models", new CreateModelRequest("x", null, null, null), RegistryHttp.Json, cancellation)).StatusCode);
        var token = TestTokens.Create("pipeline", RegistryFixture.JwtSigningKey, "registry:write");
        using var bearer = fixture.Server.CreateClient();
        bearer.DefaultRequestHeaders.Authorization = new("Bearer", token);
        await bearer.CreateModelAsync(RegistryHttp.NewModelName());
        using var forged = fixture.Server.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Create("mallory", "not-the-signing-key-but-long-enough-0123456789", "registry:write"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/api/models", cancellation)).StatusCode);

        var lines = fixture.Lines.ToList();
        Assert.Contains(lines, line => line.Contains($"Registered {name} version 1", StringComparison.Ordinal));
        foreach (var secret in new[] { RegistryFixture.WriterKey, RegistryFixture.ReaderKey, wrongKey, token, RegistryFixture.JwtSigningKey })
        {
            Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}
