using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Storage;
using Platform.Storage;
using Platform.Sync.Extensions;
using Polly;
using Polly.Retry;

namespace Platform.Sync.Services;

/// <summary>
/// What both consumers do with a request: copy into each local store the request targets, retrying transient failures with
/// exponential backoff and jitter; report each verified copy (<c>ArtifactReplicated</c>) and each final failure
/// (<c>ArtifactReplicationFailed</c>). A transient failure that outlasts the retries sends the message back to the broker for
/// a delayed redelivery; once those are spent too, the message goes to the error queue, so it never blocks the queue.
/// </summary>
public sealed class ReplicationHandler
{
    private readonly Replicator _replicator;
    private readonly LocalStores _local;
    private readonly Redelivery _redelivery;
    private readonly TimeProvider _clock;
    private readonly ILogger<ReplicationHandler> _logger;
    private readonly ResiliencePipeline _retry;

    public ReplicationHandler(Replicator replicator, LocalStores local, Redelivery redelivery, IOptions<SyncOptions> options, TimeProvider clock,
        ILogger<ReplicationHandler> logger)
    {
        (_replicator, _local, _redelivery, _clock, _logger) = (replicator, local, redelivery, clock, logger);
        var settings = options.Value;
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (settings.RetryLimit > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<ReplicationFailure>(failure => failure.Retryable),
                MaxRetryAttempts = settings.RetryLimit,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryMinDelay,
                MaxDelay = settings.RetryMaxDelay,
                OnRetry = arguments =>
                {
                    _logger.LogWarning("Copy attempt {Attempt} failed, retrying in {Delay}: {Reason}",
                        arguments.AttemptNumber + 1, arguments.RetryDelay, arguments.Outcome.Exception?.Message);
                    return ValueTask.CompletedTask;
                },
            });
        }
        _retry = pipeline.Build();
    }

    public async Task HandleAsync(ConsumeContext context, ReplicationRequest request, IReadOnlyList<string> targets)
    {
        var destinations = _local.Among(targets, request.SourceStore).ToList();
        var transient = new List<(IObjectStore Store, ReplicationFailure Failure)>();
        foreach (var destination in destinations)
        {
            try
            {
                var result = await _retry.ExecuteAsync(token => new ValueTask<ReplicationResult>(_replicator.ReplicateAsync(request, destination, token)),
                    context.CancellationToken);
                await ReplicaReport.PublishAsync(context, new ArtifactReplicated
                {
                    SourceStore = request.SourceStore, Store = result.Store, Key = result.Key, Size = result.Size, Sha256 = result.Sha256,
                    Model = request.Model, Version = request.Version, VerifiedAt = _clock.GetUtcNow(),
                }, _logger, context.CancellationToken);
            }
            catch (MessageReturnedException returned)
            {
                // Copied, but nobody took the report: the message comes back later, when the copy is a metadata check.
                transient.Add((destination, new ReplicationFailure(ReplicationFailureKind.Error,
                    $"The copy is verified but no queue took its report (is the registry running?): {returned.Message}", returned)));
            }
            catch (ReplicationFailure failure) when (!failure.Retryable)
            {
                _logger.LogError("Not replicating {Key} to {Store}: {Reason}", request.Key, destination.Name, failure.Message);
                await PublishFailureAsync(context, request, destination, failure);
            }
            catch (ReplicationFailure failure)
            {
                transient.Add((destination, failure));
            }
        }
        if (transient.Count == 0)
        {
            return;
        }
        if (_redelivery.CanRedeliver(context))
        {
            try
            {
                await _redelivery.RedeliverAsync(context, context.CancellationToken);
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The broker is unreachable too: the message is not acknowledged, so the broker redelivers it after reconnecting.
                _logger.LogWarning(exception, "Could not send {Key} for redelivery", request.Key);
                throw;
            }
        }
        foreach (var (store, failure) in transient)
        {
            _logger.LogError("Gave up replicating {Key} to {Store} after every retry and redelivery: {Reason}", request.Key, store.Name, failure.Message);
            await PublishFailureAsync(context, request, store, failure);
        }
        // To the error queue: it holds what gave up, for inspection and manual replay, and the reconciler repairs it later.
        throw transient[0].Failure;
    }

    private Task PublishFailureAsync(ConsumeContext context, ReplicationRequest request, IObjectStore destination, ReplicationFailure failure) =>
        context.Publish(new ArtifactReplicationFailed
        {
            SourceStore = request.SourceStore, Store = destination.Name, Key = request.Key, Sha256 = request.Sha256, Model = request.Model,
            Version = request.Version, Kind = failure.Kind.ToString(), Reason = failure.Message, OccurredAt = _clock.GetUtcNow(),
        }, context.CancellationToken);
}
