using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;

namespace Virtlab.Engine.Cluster;

/// <summary>A key as etcd returned it: its value, the lease it is attached to (0: none), its create and last-modify revisions.</summary>
public sealed record EtcdKeyValue(string Key, string Value, long Lease, long CreateRevision, long ModRevision = 0);

/// <summary>
/// One etcd transaction: every condition holds, then every write happens, atomically; otherwise nothing does.
/// A key that does not exist has create and modify revision 0, so <c>IfCreateRevision(key, 0)</c> means "absent".
/// </summary>
public sealed class EtcdTxn
{
    internal TxnRequest Request { get; } = new();

    public EtcdTxn IfCreateRevision(string key, long revision) => If(key, Compare.Types.CompareTarget.Create, c => c.CreateRevision = revision);

    public EtcdTxn IfModRevision(string key, long revision) => If(key, Compare.Types.CompareTarget.Mod, c => c.ModRevision = revision);

    public EtcdTxn IfValue(string key, string value) => If(key, Compare.Types.CompareTarget.Value, c => c.Value = ByteString.CopyFromUtf8(value));

    /// <summary>Puts a key, attached to <paramref name="lease"/> unless it is 0.</summary>
    public EtcdTxn Put(string key, string value, long lease = 0)
    {
        Request.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Lease = lease } });
        return this;
    }

    public EtcdTxn Delete(string key)
    {
        Request.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = ByteString.CopyFromUtf8(key) } });
        return this;
    }

    private EtcdTxn If(string key, Compare.Types.CompareTarget target, Action<Compare> set)
    {
        var compare = new Compare { Key = ByteString.CopyFromUtf8(key), Target = target, Result = Compare.Types.CompareResult.Equal };
        set(compare);
        Request.Compare.Add(compare);
        return this;
    }
}

/// <summary>
/// The few etcd v3 calls the cluster feature makes, over dotnet-etcd (gRPC). Each call has a deadline, and a failure to
/// reach etcd becomes one <see cref="VirtlabException"/> (<see cref="ErrorKind.Unreachable"/>) that names the endpoints
/// and says what to check.
/// </summary>
public sealed class EtcdStore : IDisposable
{
    private readonly EtcdClient _client;

    public EtcdStore(IReadOnlyList<string> endpoints, TimeSpan callTimeout)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Endpoints = endpoints;
        CallTimeout = callTimeout;
        // gRPC backs off up to 2 minutes between reconnects by default: an etcd that comes back must be seen within a TTL.
        _client = new EtcdClient(string.Join(',', endpoints), configureChannelOptions: o =>
        {
            o.InitialReconnectBackoff = TimeSpan.FromMilliseconds(200);
            o.MaxReconnectBackoff = TimeSpan.FromSeconds(1);
        });
    }

    public IReadOnlyList<string> Endpoints { get; }

    public TimeSpan CallTimeout { get; }

    public Task<EtcdKeyValue?> GetAsync(string key, CancellationToken cancellationToken) =>
        CallAsync("read " + key, async deadline =>
        {
            var r = await _client.GetAsync(key, null, deadline, cancellationToken).ConfigureAwait(false);
            return r.Kvs.Count == 0 ? null : ToKeyValue(r.Kvs[0]);
        });

    public Task<IReadOnlyList<EtcdKeyValue>> GetPrefixAsync(string prefix, CancellationToken cancellationToken) =>
        CallAsync("read " + prefix, async deadline =>
        {
            var r = await _client.GetRangeAsync(prefix, null, deadline, cancellationToken).ConfigureAwait(false);
            return (IReadOnlyList<EtcdKeyValue>)r.Kvs.Select(ToKeyValue).ToList();
        });

    public Task<long> GrantLeaseAsync(int ttlSeconds, CancellationToken cancellationToken) =>
        CallAsync("grant a lease", async deadline =>
            (await _client.LeaseGrantAsync(new LeaseGrantRequest { TTL = ttlSeconds }, null, deadline, cancellationToken).ConfigureAwait(false)).ID);

    /// <summary>Revokes a lease (and so deletes every key attached to it); false when etcd no longer has it.</summary>
    public Task<bool> RevokeLeaseAsync(long lease, CancellationToken cancellationToken) =>
        CallAsync("revoke the lease", async deadline =>
        {
            try
            {
                await _client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, null, deadline, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return false;
            }
        });

    /// <summary>The seconds a lease has left, or null when it has expired or was revoked.</summary>
    public Task<long?> LeaseRemainingAsync(long lease, CancellationToken cancellationToken) =>
        CallAsync("read a lease", async deadline =>
        {
            var r = await _client.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = lease }, null, deadline, cancellationToken).ConfigureAwait(false);
            return r.TTL < 0 ? (long?)null : r.TTL;
        });

    /// <summary>One keep-alive round trip: the lease's TTL as renewed, or null when etcd no longer has the lease.</summary>
    public Task<long?> KeepAliveOnceAsync(long lease, TimeSpan timeout, CancellationToken cancellationToken) =>
        CallAsync("keep the lease alive", timeout, async deadline =>
        {
            using var call = _client.GetConnection().LeaseClient.LeaseKeepAlive(null, deadline, cancellationToken);
            await call.RequestStream.WriteAsync(new LeaseKeepAliveRequest { ID = lease }, cancellationToken).ConfigureAwait(false);
            if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                throw new RpcException(new Status(StatusCode.Unavailable, "the keep-alive stream closed without an answer"));
            }

            var ttl = call.ResponseStream.Current.TTL;
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return ttl <= 0 ? (long?)null : ttl;
        });

    /// <summary>Puts a key, attached to <paramref name="lease"/> unless it is 0.</summary>
    public Task PutAsync(string key, string value, long lease, CancellationToken cancellationToken) =>
        CallAsync("write " + key, async deadline =>
        {
            await _client.PutAsync(Put(key, value, lease), null, deadline, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>
    /// Creates a key only if it does not exist (a transaction on CreateRevision == 0). Returns null when it was created,
    /// otherwise the key as it already is.
    /// </summary>
    public Task<EtcdKeyValue?> CreateAsync(string key, string value, long lease, CancellationToken cancellationToken) =>
        CallAsync("create " + key, async deadline =>
        {
            var txn = new TxnRequest();
            txn.Compare.Add(new Compare
            {
                Key = ByteString.CopyFromUtf8(key),
                Target = Compare.Types.CompareTarget.Create,
                Result = Compare.Types.CompareResult.Equal,
                CreateRevision = 0,
            });
            txn.Success.Add(new RequestOp { RequestPut = Put(key, value, lease) });
            txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = ByteString.CopyFromUtf8(key) } });
            var r = await _client.TransactionAsync(txn, null, deadline, cancellationToken).ConfigureAwait(false);
            return r.Succeeded ? null : r.Responses[0].ResponseRange.Kvs.Select(ToKeyValue).FirstOrDefault();
        });

    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        CallAsync("delete " + key, async deadline =>
        {
            await _client.DeleteAsync(key, null, deadline, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>Deletes a key only while it still holds <paramref name="value"/> (a transaction); true when deleted.</summary>
    public Task<bool> DeleteIfValueAsync(string key, string value, CancellationToken cancellationToken) =>
        CommitAsync("delete " + key, new EtcdTxn().IfValue(key, value).Delete(key), cancellationToken);

    /// <summary>Runs a transaction; true when its conditions held and its writes were made.</summary>
    public Task<bool> CommitAsync(string what, EtcdTxn txn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(txn);
        return CallAsync(what, async deadline => (await _client.TransactionAsync(txn.Request, null, deadline, cancellationToken).ConfigureAwait(false)).Succeeded);
    }

    public void Dispose() => _client.Dispose();

    private static PutRequest Put(string key, string value, long lease) =>
        new() { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Lease = lease };

    private static EtcdKeyValue ToKeyValue(Mvccpb.KeyValue kv) =>
        new(kv.Key.ToStringUtf8(), kv.Value.ToStringUtf8(), kv.Lease, kv.CreateRevision, kv.ModRevision);

    private Task<T> CallAsync<T>(string what, Func<DateTime, Task<T>> call) => CallAsync(what, CallTimeout, call);

    private async Task<T> CallAsync<T>(string what, TimeSpan timeout, Func<DateTime, Task<T>> call)
    {
        try
        {
            return await call(DateTime.UtcNow + timeout).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw Unreachable(what, e, timeout);
        }
    }

    /// <summary>Why an etcd call failed, in a few words (for the log and the lease state, where the full advice would repeat).</summary>
    public static string ShortReason(VirtlabException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.InnerException is RpcException r ? Reason(r, null) : e.Message;
    }

    private static string Reason(RpcException e, TimeSpan? timeout) =>
        e.StatusCode == StatusCode.DeadlineExceeded
            ? timeout is { } t ? $"no answer within {t.TotalSeconds:0.#} s" : "no answer in time"
            : string.IsNullOrEmpty(e.Status.Detail) ? e.StatusCode.ToString() : e.Status.Detail.TrimEnd('.');

    private VirtlabException Unreachable(string what, RpcException e, TimeSpan timeout)
    {
        var why = Reason(e, timeout);
        return new VirtlabException(
            ErrorKind.Unreachable,
            $"cannot reach etcd at {string.Join(",", Endpoints)} to {what} ({why}): check that etcd runs there and that --etcd names its client URLs (e.g. --etcd 127.0.0.1:2379)",
            e);
    }
}
