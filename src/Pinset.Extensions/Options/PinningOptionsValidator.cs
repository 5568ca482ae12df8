using Microsoft.Extensions.Options;

namespace Pinset.Extensions;

/// <summary>Validates the data-annotated settings of <see cref="PinningOptions"/>, generated at build time (no reflection, AOT-safe).</summary>
[OptionsValidator]
internal sealed partial class PinningOptionsValidator : IValidateOptions<PinningOptions>
{
}
