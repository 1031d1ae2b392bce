package dev.sleet.rooms.redis.internal;

/**
 * The Lua scripts that keep presence atomic. Redis 7.0 has no per-field expiry, so each node keeps its members of
 * a room in a hash of its own that expires as a whole unless the node refreshes it; a set per room names the
 * nodes with members there. A reader skips (and removes) nodes whose hash is gone, which is how a crashed
 * node's members vanish. Scripts build other nodes' key names from a prefix; in a cluster those names carry the
 * room's hash tag, so they live in the slot of the declared keys and the script runs on the room's shard.
 */
public final class Scripts {
    private Scripts() {
    }

    /** KEYS: hash, nodes set. ARGV: ttl ms, node, connection id, info. */
    public static final String JOIN = """
            redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return 1
            """;

    /** KEYS: hash, nodes set. ARGV: node, connection id. */
    public static final String LEAVE = """
            redis.call('HDEL', KEYS[1], ARGV[2])
            if redis.call('HLEN', KEYS[1]) == 0 then
              redis.call('DEL', KEYS[1])
              redis.call('SREM', KEYS[2], ARGV[1])
            end
            return 1
            """;

    /** Rewrites this node's hash for a room. KEYS: hash, nodes set. ARGV: ttl ms, node, then id/info pairs. */
    public static final String RESYNC = """
            redis.call('DEL', KEYS[1])
            if #ARGV <= 2 then
              redis.call('SREM', KEYS[2], ARGV[2])
              return 0
            end
            for i = 3, #ARGV, 2 do
              redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            redis.call('SADD', KEYS[2], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return 1
            """;

    /**
     * Keeps this node's hash alive; 0 when it is gone (Redis restarted, or the node was too slow) or holds another
     * number of members than the node has (a promoted replica missed the last writes), and then the node rewrites
     * it. KEYS: hash, nodes set. ARGV: ttl ms, node, members this node has.
     */
    public static final String HEARTBEAT = """
            if redis.call('PEXPIRE', KEYS[1], ARGV[1]) == 0 then
              return 0
            end
            if redis.call('HLEN', KEYS[1]) ~= tonumber(ARGV[3]) then
              return 0
            end
            redis.call('SADD', KEYS[2], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[1])
            return 1
            """;

    /**
     * Other nodes' members of a room. KEYS: nodes set. ARGV: hash prefix, this node, ':'room, mode ('all' or
     * 'count'). 'all' returns [node, [id, info, ...], ...]; 'count' returns the number of members.
     */
    public static final String READ = """
            local out = {}
            local total = 0
            for _, node in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if node ~= ARGV[2] then
                local key = ARGV[1] .. node .. ARGV[3]
                if ARGV[4] == 'count' then
                  local n = redis.call('HLEN', key)
                  if n == 0 then redis.call('SREM', KEYS[1], node) end
                  total = total + n
                else
                  local h = redis.call('HGETALL', key)
                  if #h == 0 then
                    redis.call('SREM', KEYS[1], node)
                  else
                    out[#out + 1] = node
                    out[#out + 1] = h
                  end
                end
              end
            end
            if ARGV[4] == 'count' then return total end
            return out
            """;

    /**
     * Claims a free node number from 1 to 65535. KEYS: the lease prefix (only to route the script to the leases'
     * slot in a cluster). ARGV: lease prefix, node, ttl ms, first number to try.
     */
    public static final String CLAIM = """
            local start = tonumber(ARGV[4])
            for i = 0, 65534 do
              local n = (start - 1 + i) % 65535 + 1
              if redis.call('SET', ARGV[1] .. n, ARGV[2], 'NX', 'PX', ARGV[3]) then
                return n
              end
            end
            return -1
            """;

    /** Keeps a lease: 1 kept, 0 taken again after it had expired, -1 held by another node. KEYS: lease. ARGV: node, ttl. */
    public static final String RENEW = """
            local owner = redis.call('GET', KEYS[1])
            if owner == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ARGV[2])
              return 1
            end
            if not owner then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
              return 0
            end
            return -1
            """;

    /** Gives a lease back if this node holds it. KEYS: lease. ARGV: node. */
    public static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              return redis.call('DEL', KEYS[1])
            end
            return 0
            """;
}
