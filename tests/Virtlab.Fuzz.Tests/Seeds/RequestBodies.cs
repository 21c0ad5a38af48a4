namespace Virtlab.Fuzz.Tests.Seeds;

/// <summary>Request bodies as the CLI sends them (System.Text.Json, camelCase), one list per endpoint kind.</summary>
public static class RequestBodies
{
    public static IReadOnlyList<string> Create { get; } =
    [
        """{"name":"t1","vcpus":"1,maxvcpus=4","memory":"256M","cpu":"SandyBridge,-x2apic","waitAgentSeconds":60}""",
        """{"name":"f1","vcpus":"2","memory":"256M,maxmemory=1G","cpu":"max","image":"default","accel":"tcg","pmu":"on","network":"bridge=vlab0,ip=10.77.0.100/24"}""",
        """{"name":"hp","cpu":"host-passthrough","accel":"kvm","network":"bridge=vlab1,mac=52:54:00:12:34:56"}""",
        """{"name":"t2"}""",
    ];

    public static IReadOnlyList<string> Define { get; } = DomainXml.Seeds.Select(x => System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["xml"] = x })).ToList();

    public static IReadOnlyList<string> Migrate { get; } =
    [
        """{"destination":"virtlab+tcp://10.77.0.12:16600","token":"c2VjcmV0","live":true,"maxDowntimeMs":200,"timeoutSeconds":60,"timeoutAction":"abort"}""",
        """{"destination":"virtlab+tcp://[fd00::2]:7000","token":"t","live":true,"autoConverge":true,"xbzrleCacheBytes":67108864,"bandwidthMiBs":100,"verifyMiB":32}""",
        """{"destination":"virtlab+tcp://host2:16600","token":"t","live":true,"postcopy":true,"postcopyAfterPrecopy":true,"measure":true,"force":true}""",
    ];

    public static IReadOnlyList<string> Command { get; } =
    [
        """{"command":"{\"execute\":\"guest-ping\"}","timeoutSeconds":5}""",
        """{"command":"{\"execute\":\"query-status\",\"arguments\":{}}"}""",
        """{"command":"{\"execute\":\"guest-get-vcpus\"}"}""",
    ];

    public static IReadOnlyList<string> Other { get; } =
    [
        """{"count":3,"guest":false}""", """{"cpuList":"1-3","enable":true}""", """{"size":"512M"}""",
        """{"min":"256M","max":"1G","targetFreePercent":20,"intervalSeconds":1.5}""", """{"off":true}""",
        """{"sync":true}""", """{"timeSeconds":1795626054}""", """{"waitAgentSeconds":30}""", """{"timeoutSeconds":10}""",
        """{"domain":"t1","model":"SandyBridge"}""",
    ];
}
