using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Inference.Tests.Hosting;

namespace Platform.Inference.Tests;

/// <summary>The pool of Kestrel's I/O blocks that every service uses (ServiceDefaults, <c>IoBlocks:BlockBytes</c>).</summary>
public sealed class IoBlockPoolTests
{
    [Fact]
    public void A_block_is_the_configured_size_and_is_reused_once_returned()
    {
        var factory = new IoBlockPoolFactory(16 * 1024);
        using var pool = factory.Create();
        Assert.Equal(16 * 1024, pool.MaxBufferSize);

        var first = pool.Rent(100);
        Assert.Equal(16 * 1024, first.Memory.Length);
        var memory = first.Memory;
        first.Dispose();
        using var second = pool.Rent();

        Assert.True(second.Memory.Span.Overlaps(memory.Span));
        Assert.Equal(1, factory.BlocksAllocated);
    }

    [Fact]
    public void A_returned_block_cannot_be_used_or_returned_again()
    {
        using var pool = new IoBlockPoolFactory(4096).Create();
        var block = pool.Rent();
        block.Dispose();

        Assert.Throws<ObjectDisposedException>(() => block.Memory);
        Assert.Throws<InvalidOperationException>(block.Dispose);
    }

    [Fact]
    public void More_than_a_block_is_refused()
    {
        using var pool = new IoBlockPoolFactory(4096).Create();
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(4097));
    }

    [Fact]
    public async Task A_block_size_below_4_KiB_stops_the_service_with_the_rule()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            InferenceServer.StartAsync(new Dictionary<string, string?> { ["IoBlocks:BlockBytes"] = "1000" }));
        Assert.Contains(IoBlockOptions.Rule, exception.Message);
    }

    [Fact]
    public void Free_blocks_beyond_the_retained_bytes_are_let_go()
    {
        const int blockBytes = 1024 * 1024;
        var pool = (IoBlockPool)new IoBlockPoolFactory(blockBytes).Create();
        var retained = IoBlockPoolFactory.RetainedBytes / blockBytes;
        var blocks = Enumerable.Range(0, retained + 5).Select(_ => pool.Rent()).ToList();
        foreach (var block in blocks)
        {
            block.Dispose();
        }
        Assert.Equal(retained, pool.FreeBlocks);
    }
}
