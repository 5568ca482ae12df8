using System.CommandLine;

namespace Pinset.Cli;

/// <summary><c>pinset bundle</c>: make, sign, verify and review signed pin bundles (docs/bundles.md).</summary>
internal static class BundleCommand
{
    public static Command Create(CliConsole output, Option<bool> json) => new("bundle", "Signed pin bundles: change the pins of deployed clients without a release ('pinset docs bundles' tells how).")
    {
        BundleKeygenCommand.Create(output, json),
        BundleSignCommand.Create(output, json),
        BundleVerifyCommand.Create(output, json),
        BundleInspectCommand.Create(output, json),
        BundleDiffCommand.Create(output, json),
    };
}
