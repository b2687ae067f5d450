--[[
  Take a session lock as a lease and hand out a fencing token.
  KEYS[1]  lock key   (mcpca:lock:{sid})
  KEYS[2]  fence key  (mcpca:fence:{sid}) - same hash tag, so one Cluster slot
  ARGV[1]  token      random per acquisition; only its holder may release or extend
  ARGV[2]  ttl in ms  the lease; a watchdog extends it while the holder works
  Returns: the new fencing token (>= 1, strictly increasing per session) when taken,
           -1 when another token holds the lock.
]]
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return -1
