using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Platform.AppHost.Tests;

/// <summary>
/// Writes each logger category to its own file in <paramref name="folder"/>, every line stamped with the time it was logged.
/// Under Aspire.Hosting.Testing a resource's console reaches the host's loggers as the category Platform.AppHost.Resources.{name}.
/// </summary>
public sealed class FileLoggerProvider(string folder) : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, StreamWriter> _files = new();

    public ILogger CreateLogger(string categoryName) =>
        new FileLogger(_files.GetOrAdd(categoryName, name => new StreamWriter(Path.Combine(folder, name + ".log")) { AutoFlush = true }));

    public void Dispose()
    {
        foreach (var file in _files.Values)
        {
            lock (file)
            {
                file.Dispose();
            }
        }
    }

    private sealed class FileLogger(StreamWriter file) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (file)
            {
                if (file.BaseStream is not null)
                {
                    file.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
                }
            }
        }
    }
}
