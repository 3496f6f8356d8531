using BenchmarkDotNet.Running;
using PromotionEngine.Settlement.Bench;

if (args is ["profile"]) { Profile.Run(); return; }
if (args is ["worst"])
{
    WorstCase.Report();
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(QuoteBench).Assembly).Run(args);
