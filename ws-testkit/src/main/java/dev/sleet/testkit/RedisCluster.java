package dev.sleet.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster for tests: {@code primaries} primaries with {@code replicas} replicas each, every node a
 * {@code redis-server --cluster-enabled yes} on a free loopback port in its own temporary folder, joined by
 * {@code redis-cli --cluster create ... --cluster-yes}. {@link #start} returns once every node reports
 * {@code cluster_state:ok}, sees every other node and knows which of them are replicas. Node timeout is 1 s (a
 * dead primary's replica takes over within a few seconds) and {@code cluster-require-full-coverage no} (the
 * other shards keep serving while one is gone). {@link #close()} kills every process by its PID and removes the
 * folders.
 *
 * <p>Tests check {@link #tools()} first and skip with {@link #MISSING} when {@code redis-server} or
 * {@code redis-cli} is missing (the Debian package {@code redis-server} has both; {@code .ci/run} installs it).
 */
public final class RedisCluster implements AutoCloseable {
    /** The reason a test gives when it skips for lack of the tools. */
    public static final String MISSING = "SKIPPED LOUDLY: redis-server or redis-cli not found (looked at "
            + "$REDIS_SERVER, PATH, /usr/bin, /usr/local/bin, /usr/sbin, and redis-cli next to redis-server); "
            + "install the Debian package redis-server (.ci/run does)";

    private final List<RedisServer> nodes;
    private final String password;
    private final int primaries;
    private final boolean tls;

    private RedisCluster(List<RedisServer> nodes, String password, int primaries, boolean tls) {
        this.nodes = nodes;
        this.password = password;
        this.primaries = primaries;
        this.tls = tls;
    }

    /** {@code redis-cli} next to {@code redis-server} (or on the PATH), if both exist. */
    public static Optional<Path> tools() {
        Optional<Path> server = RedisServer.binary();
        if (server.isEmpty()) {
            return Optional.empty();
        }
        Path cli = server.get().resolveSibling("redis-cli");
        if (Files.isExecutable(cli)) {
            return Optional.of(cli);
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(java.io.File.pathSeparator)) {
                if (!d.isEmpty() && Files.isExecutable(Path.of(d, "redis-cli"))) {
                    return Optional.of(Path.of(d, "redis-cli"));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Starts {@code primaries * (1 + replicas)} nodes and makes a cluster of them; every node requires
     * {@code password} (null: none), replicas use it to reach their primary.
     */
    public static RedisCluster start(int primaries, int replicas, String password)
            throws IOException, InterruptedException {
        return start(primaries, replicas, password, null, null);
    }

    /**
     * {@link #start(int, int, String)} with TLS everywhere: clients, replication and the cluster bus use this
     * certificate (which is also the CA the nodes trust); each node also listens in plain TCP on another loopback
     * port, used only by {@link RedisServer#command} to look inside. {@link #uri()} is then
     * {@code rediss-cluster://}.
     */
    public static RedisCluster startTls(int primaries, int replicas, String password, Path certPem, Path keyPem)
            throws IOException, InterruptedException {
        return start(primaries, replicas, password, certPem, keyPem);
    }

    private static RedisCluster start(int primaries, int replicas, String password, Path certPem, Path keyPem)
            throws IOException, InterruptedException {
        boolean tls = certPem != null;
        Path cli = tools().orElseThrow(() -> new IllegalStateException(MISSING));
        if (primaries < 3) {
            throw new IllegalArgumentException("redis-cli --cluster create needs at least 3 primaries");
        }
        List<RedisServer> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes, password, primaries, tls);
        try {
            for (int i = 0; i < primaries * (1 + replicas); i++) {
                List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes", "--cluster-config-file",
                        "nodes.conf", "--cluster-node-timeout", "1000", "--cluster-require-full-coverage", "no",
                        "--cluster-replica-validity-factor", "0"));
                // The bus port is not port + 10000, which may pass 65535 for a port from the ephemeral range.
                args.addAll(List.of("--cluster-port", Integer.toString(RedisServer.freePort())));
                if (password != null) {
                    args.addAll(List.of("--masterauth", password));
                }
                if (tls) {
                    args.addAll(List.of("--tls-cert-file", certPem.toString(), "--tls-key-file", keyPem.toString(),
                            "--tls-ca-cert-file", certPem.toString(), "--tls-auth-clients", "no",
                            "--tls-replication", "yes", "--tls-cluster", "yes"));
                }
                nodes.add(RedisServer.startWith(args, password, tls));
            }
            List<String> create = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            for (RedisServer n : nodes) {
                create.add("127.0.0.1:" + n.port());
            }
            create.addAll(List.of("--cluster-replicas", Integer.toString(replicas), "--cluster-yes"));
            if (password != null) {
                create.addAll(List.of("-a", password, "--no-auth-warning"));
            }
            if (tls) {
                create.addAll(List.of("--tls", "--cacert", certPem.toString()));
            }
            Path log = Files.createTempFile("sleet-redis-cluster-create", ".log");
            try {
                Process p = new ProcessBuilder(create).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException("redis-cli --cluster create did not finish in 60 s: "
                            + Files.readString(log));
                }
                if (p.exitValue() != 0) {
                    throw new IOException("redis-cli --cluster create failed (" + p.exitValue() + "): "
                            + Files.readString(log));
                }
            } finally {
                Files.deleteIfExists(log);
            }
            cluster.awaitHealthy(Duration.ofSeconds(30));
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Waits until every live node says {@code cluster_state:ok}, knows every node, sees every slot served by a
     * primary that is not failing, and sees every live node beyond the primaries as a replica. (Right after
     * {@code --cluster create} the slots are served before gossip has told every node which of the others are
     * replicas; a test that asks {@link #replicasOf} then would find none.)
     */
    public void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            long liveReplicas = nodes.stream().filter(RedisServer::isAlive).count() - primaries;
            for (RedisServer n : nodes) {
                if (!n.isAlive()) {
                    continue;
                }
                try {
                    String info = (String) n.command("CLUSTER", "INFO");
                    String view = (String) n.command("CLUSTER", "NODES");
                    long known = view.lines().filter(l -> !l.isBlank()).count();
                    boolean failing = view.lines().anyMatch(l -> l.contains("fail") && !l.contains("noaddr")
                            && isServingPrimary(l));
                    long replicasSeen = view.lines().map(l -> l.split(" "))
                            .filter(f -> f.length > 2 && f[2].contains("slave") && !f[2].contains("fail")).count();
                    if (!info.contains("cluster_state:ok") || known < nodes.size() || failing
                            || !info.contains("cluster_slots_ok:16384") || replicasSeen < liveReplicas) {
                        ok = false;
                        last = n.port() + ": " + info.lines().filter(l -> l.startsWith("cluster_state")
                                || l.startsWith("cluster_slots_ok")).collect(Collectors.joining(" ")) + "\n" + view;
                        break;
                    }
                } catch (IOException e) {
                    ok = false;
                    last = n.port() + ": " + e.getMessage();
                    break;
                }
            }
            if (ok) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("the cluster did not become healthy within " + timeout + "; last seen " + last);
    }

    private static boolean isServingPrimary(String nodesLine) {
        String[] f = nodesLine.split(" ");
        return f.length > 8 && f[2].contains("master");
    }

    /** Every node, primaries and replicas, in start order. */
    public List<RedisServer> nodes() {
        return List.copyOf(nodes);
    }

    public int primaryCount() {
        return primaries;
    }

    /**
     * {@code redis-cluster://[:password@]127.0.0.1:p1,127.0.0.1:p2,...} naming every node as a seed (the form
     * the Sleet backplane reads).
     */
    public String uri() {
        return (tls ? "rediss-cluster://" : "redis-cluster://") + (password != null ? ":" + password + "@" : "")
                + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    /** The slot of {@code key}, as Redis computes it (asked of a live node). */
    public int slot(String key) throws IOException {
        return (int) any().number("CLUSTER", "KEYSLOT", key);
    }

    /** The primary that serves {@code slot} now, as a live node sees it. */
    public RedisServer primaryOf(int slot) throws IOException {
        for (String line : ((String) any().command("CLUSTER", "NODES")).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated
                }
                String[] range = f[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    return byAddress(f[1]);
                }
            }
        }
        throw new IOException("no primary serves slot " + slot);
    }

    /** The replicas of {@code primary}. */
    public List<RedisServer> replicasOf(RedisServer primary) throws IOException {
        String id = ((String) primary.command("CLUSTER", "MYID")).trim();
        List<RedisServer> out = new ArrayList<>();
        for (String line : ((String) any().command("CLUSTER", "NODES")).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 3 && f[2].contains("slave") && f[3].equals(id)) {
                out.add(byAddress(f[1]));
            }
        }
        return out;
    }

    /** The primaries, as a live node sees them now. */
    public List<RedisServer> primaries() throws IOException {
        List<RedisServer> out = new ArrayList<>();
        for (String line : ((String) any().command("CLUSTER", "NODES")).split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length > 8 && f[2].contains("master") && !f[2].contains("fail")) {
                out.add(byAddress(f[1]));
            }
        }
        return out;
    }

    private RedisServer byAddress(String address) throws IOException {
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1).split("@")[0]);
        // Redis 7 shows a plain-TCP client (as RedisServer.command is) each node's plain port, a TLS one its TLS port.
        return nodes.stream().filter(n -> n.port() == port || n.plainPort() == port).findFirst()
                .orElseThrow(() -> new IOException("no node on port " + port));
    }

    private RedisServer any() throws IOException {
        return nodes.stream().filter(RedisServer::isAlive).findFirst()
                .orElseThrow(() -> new IOException("every node of the cluster is down"));
    }

    /** The number of calls to {@code command} (lower case, e.g. "spublish") that {@code node} has handled. */
    public static long calls(RedisServer node, String command) throws IOException {
        String stats = (String) node.command("INFO", "commandstats");
        String head = "cmdstat_" + command + ":calls=";
        for (String line : stats.split("\r\n")) {
            if (line.startsWith(head)) {
                return Long.parseLong(line.substring(head.length(), line.indexOf(',')));
            }
        }
        return 0;
    }

    /** A short description of every node (port, role, alive), for failure messages. */
    public String describe() {
        return nodes.stream().map(n -> n.port() + (n.isAlive() ? "" : "(down)")).collect(Collectors.joining(" "))
                + "\n" + new String(viewOrEmpty(), StandardCharsets.UTF_8);
    }

    private byte[] viewOrEmpty() {
        try {
            return ((String) any().command("CLUSTER", "NODES")).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (RedisServer n : nodes) {
            n.close();
        }
    }
}
