namespace Virtlab.Lab.Scenarios;
public static class ScenarioReader
{
    public static Scenario Read(string path) => throw new NotImplementedException(path);
    public static void CheckFiles(Scenario s, bool afterBuild = false) { }
    public static void CheckCpuModels(Scenario s, IReadOnlyCollection<string> known) { }
}
public static class WorldMatrix { public static IReadOnlyList<WorldSpec> Expand(WorldsSpec w) => []; }
public static class LabDurations { public static string Format(TimeSpan t) => t.ToString(); }
