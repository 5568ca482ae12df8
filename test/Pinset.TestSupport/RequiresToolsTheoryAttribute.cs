using Xunit;

namespace Pinset.TestSupport;

/// <summary>The theory form of <see cref="RequiresToolsFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresToolsTheoryAttribute : TheoryAttribute
{
    public RequiresToolsTheoryAttribute(params string[] commands) => Skip = ExternalToolSkip.Reason(commands);
}
