using Xunit;

namespace Pinset.TestSupport;

/// <summary>
/// A fact that needs real tools. It always runs, and fails naming the missing package, unless the local-run switch
/// <see cref="ExternalTool.SkipSwitch"/>=1 is set and a tool is missing; then it is reported as skipped with the reason.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresToolsFactAttribute : FactAttribute
{
    public RequiresToolsFactAttribute(params string[] commands) => Skip = ExternalToolSkip.Reason(commands);
}
