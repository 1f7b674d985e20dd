namespace Platform.GcsEmulator.Storage;

/// <summary>An error GCS would answer with: an HTTP status and a reason such as notFound, conflict or conditionNotMet.</summary>
public sealed class GcsException(int status, string reason, string message) : Exception(message)
{
    public int Status { get; } = status;

    public string Reason { get; } = reason;

    public static GcsException BucketNotFound(string bucket) => new(404, "notFound", $"The specified bucket does not exist: {bucket}");

    public static GcsException ObjectNotFound(string bucket, string name) => new(404, "notFound", $"No such object: {bucket}/{name}");

    public static GcsException ConditionNotMet() => new(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.");

    public static GcsException Invalid(string message) => new(400, "invalid", message);
}
