namespace Platform.Storage;

public sealed record ReadOptions
{
    public static readonly ReadOptions Default = new();

    /// <summary>Read only these bytes. Null reads the whole object.</summary>
    public ByteRange? Range { get; init; }

    /// <summary>Hash the content while it is read and throw <see cref="ObjectIntegrityException"/> at its end if it does not
    /// match the stored SHA-256. Only whole-object reads can be verified.</summary>
    public bool VerifySha256 { get; init; }
}

/// <summary>An inclusive-start byte range: <paramref name="Offset"/> and, optionally, <paramref name="Length"/> (null: to the end).</summary>
public readonly record struct ByteRange(long Offset, long? Length = null)
{
    public static ByteRange FromOffset(long offset) => new(offset);

    /// <summary>Validates the range against nothing but itself.</summary>
    public void Validate()
    {
        if (Offset < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Offset), Offset, "A range cannot start before byte 0.");
        }
        if (Length is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Length), Length, "A range cannot have a negative length.");
        }
    }

    /// <summary>The last byte's offset, inclusive, or null when the range runs to the end (HTTP Range semantics).</summary>
    public long? LastByte => Length is { } length ? Offset + length - 1 : null;

    public override string ToString() => Length is null ? $"bytes={Offset}-" : $"bytes={Offset}-{LastByte}";
}
