namespace Pinset;

/// <summary>What a policy decided about a validated chain, before it is dressed as a <see cref="PinValidationResult"/>.</summary>
internal readonly record struct Verdict(PinValidationOutcome Outcome, PinningPolicy.Match? Match, string? Detail, PinValidationOutcome? Enforced = null);
