--[[
  Mark an MCP connection's session as its principal's, so the session tools show it to that principal (and only
  to it). Called once per connection session by the ingress, before the session's first call is queued.
  KEYS[1]  the session (mcpca:session:{sid})
  ARGV[1]  owner (the principal)
  ARGV[2]  now, epoch ms
  ARGV[3]  session record layout version
  ARGV[4]  time to live, ms, for a session that has none yet (the worker's session ttl)
  Returns: 1 marked; 0 already this owner's; -1 another principal's (nothing written).
]]
local owner = redis.call('HGET', KEYS[1], '_owner')
if owner then
  return owner == ARGV[1] and 0 or -1
end
redis.call('HSET', KEYS[1], '_owner', ARGV[1], '_schema', ARGV[3])
redis.call('HSETNX', KEYS[1], '_createdAtMs', ARGV[2])
if redis.call('PTTL', KEYS[1]) < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
