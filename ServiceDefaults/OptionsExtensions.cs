using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class OptionsExtensions
{
    /// <summary>
    /// Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks it at start with
    /// <typeparamref name="TValidator"/>, an <c>[OptionsValidator]</c> class: its data annotations are checked by code
    /// generated at build time. Not <c>ValidateDataAnnotations</c>: reflection's <c>RangeAttribute</c> on a
    /// <see cref="TimeSpan"/> is not thread-safe on first use (dotnet/runtime#1143), and hosts that started at the same time
    /// in one process (the tests' in-process servers) failed with an InvalidCastException.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
    }
}
