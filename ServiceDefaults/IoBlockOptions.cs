namespace Microsoft.Extensions.Hosting;

/// <summary>The <c>IoBlocks</c> section: the blocks Kestrel reads requests into and writes answers from (<see cref="IoBlockPoolFactory"/>).</summary>
public sealed class IoBlockOptions
{
    public const string SectionName = "IoBlocks";

    public const string Rule = $"{SectionName}:{nameof(BlockBytes)} must be 0 (Kestrel's own pool) or from 4096 to 1048576.";

    /// <summary>
    /// The size of a block: a socket read fills at most one, so a request larger than a block takes a read and a wake-up per
    /// block. 0: Kestrel's own pool, of 4 KiB blocks.
    /// </summary>
    public int BlockBytes { get; set; } = 64 * 1024;

    public bool IsValid => BlockBytes is 0 or (>= 4096 and <= 1024 * 1024);
}
