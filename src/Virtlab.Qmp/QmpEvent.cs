using System.Text.Json.Nodes;

namespace Virtlab.Qmp;

/// <summary>An asynchronous QMP event such as <c>ACPI_DEVICE_OST</c>, <c>DEVICE_DELETED</c>, <c>STOP</c> or <c>SHUTDOWN</c>.</summary>
/// <param name="Name">The event name as on the wire.</param>
/// <param name="Data">The event's <c>data</c> member, if any.</param>
/// <param name="Timestamp">QEMU's timestamp (host wall clock when QEMU emitted the event).</param>
public sealed record QmpEvent(string Name, JsonObject? Data, DateTimeOffset Timestamp);
