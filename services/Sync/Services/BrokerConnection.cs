using RabbitMQ.Client;

namespace Platform.Sync.Services;

/// <summary>
/// A plain RabbitMQ connection beside MassTransit's, for the two things MassTransit does not do here: the delay queues of
/// <see cref="Redelivery"/> (the delayed-exchange plugin is not available) and reading queue depths. Null without a broker.
/// </summary>
public sealed class BrokerConnection(IConfiguration configuration) : IAsyncDisposable
{
    public const string ConnectionName = "rabbitmq";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public bool Configured => !string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionName));

    /// <summary>Opens a channel, (re)connecting as needed. Callers dispose the channel.</summary>
    public async Task<IChannel> OpenChannelAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not { IsOpen: true })
            {
                if (_connection is not null)
                {
                    await _connection.DisposeAsync();
                }
                var factory = new ConnectionFactory { Uri = new Uri(configuration.GetConnectionString(ConnectionName)!), ClientProvidedName = "platform-sync" };
                _connection = await factory.CreateConnectionAsync(cancellationToken);
            }
            return await _connection.CreateChannelAsync(cancellationToken: cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }
        _gate.Dispose();
    }
}
