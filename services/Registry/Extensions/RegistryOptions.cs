using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Platform.Registry.Extensions;

/// <summary>The <c>Registry</c> configuration section.</summary>
public sealed class RegistryOptions
{
    public const string SectionName = "Registry";

    /// <summary>The store (a name under <c>Storage:Stores</c>) that uploads are written to.</summary>
    [Required]
    public string HomeStore { get; set; } = "";

    /// <summary>The cloud this registry runs in; replicas in its stores are the nearest. Defaults to the home store's cloud.</summary>
    public string? Cloud { get; set; }

    /// <summary>The largest artifact an upload may carry; larger bodies get 413.</summary>
    [Range(1, long.MaxValue)]
    public long MaxArtifactBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Where uploads are spooled while ONNX Runtime opens them (it needs a file). Defaults to the system temp folder.</summary>
    public string? ScratchPath { get; set; }

    /// <summary>
    /// How long a version may stay UPLOADING before it counts as abandoned (its registry stopped mid-upload) and is failed,
    /// with whatever it left in the store deleted. Longer than the slowest upload you expect.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan AbandonedUploadAfter { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Checks <see cref="RegistryOptions"/>'s data annotations with code generated at build time (see <c>AddValidatedOptions</c>).</summary>
[OptionsValidator]
public sealed partial class RegistryOptionsAnnotationsValidator : IValidateOptions<RegistryOptions>;
