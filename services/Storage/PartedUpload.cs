namespace Platform.Storage;

/// <summary>
/// Sends content of unknown length as numbered parts (S3 multipart parts, Azure blocks): each part is read into a pooled buffer
/// (<see cref="TransferBuffers"/>) and a few are sent at once, so memory stays at <c>maxInFlight + 1</c> part buffers whatever
/// the object's size. Part sizes grow with the part number (doubling every 1,000 parts), so a 10,000-part limit is reached
/// only past several TiB.
/// </summary>
public static class PartedUpload
{
    public const int DefaultPartSize = 8 * 1024 * 1024;
    public const int DefaultMaxInFlight = 3;

    /// <summary>Uploads every part of <paramref name="content"/> (at least one, possibly empty) and returns the parts' results in order.</summary>
    public static async Task<IReadOnlyList<TPart>> UploadAsync<TPart>(
        Stream content,
        Func<int, Stream, CancellationToken, Task<TPart>> uploadPart,
        CancellationToken cancellationToken,
        int firstPartSize = DefaultPartSize,
        int maxInFlight = DefaultMaxInFlight)
    {
        var inFlight = new List<Task<(int Number, TPart Part)>>();
        var done = new List<(int Number, TPart Part)>();
        try
        {
            for (var partNumber = 1; ; partNumber++)
            {
                var partSize = firstPartSize << Math.Min((partNumber - 1) / 1000, 6);
                var buffer = TransferBuffers.Rent(partSize);
                int length;
                try
                {
                    length = await content.ReadAtLeastAsync(buffer.AsMemory(0, partSize), partSize, throwOnEndOfStream: false, cancellationToken);
                }
                catch
                {
                    TransferBuffers.Return(buffer);
                    throw;
                }
                if (length == 0 && partNumber > 1)
                {
                    TransferBuffers.Return(buffer);
                    break;
                }
                if (inFlight.Count == maxInFlight)
                {
                    var finished = await Task.WhenAny(inFlight);
                    inFlight.Remove(finished);
                    done.Add(await finished);
                }
                inFlight.Add(SendAsync(partNumber, buffer, length));
                if (length < partSize)
                {
                    break;
                }
            }
            done.AddRange(await Task.WhenAll(inFlight));
            return done.OrderBy(part => part.Number).Select(part => part.Part).ToList();
        }
        catch
        {
            // Let parts already on the wire finish (and return their buffers) before the caller aborts the upload.
            await Task.WhenAll(inFlight.Select(part => part.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw;
        }

        async Task<(int, TPart)> SendAsync(int partNumber, byte[] buffer, int length)
        {
            try
            {
                return (partNumber, await uploadPart(partNumber, new MemoryStream(buffer, 0, length, writable: false), cancellationToken));
            }
            finally
            {
                TransferBuffers.Return(buffer);
            }
        }
    }
}
