--[[
  Create a named or unnamed session for its owner, or find the one the owner created before under that name
  (a named session's id is derived from owner and name, so the same call finds it again from any connection).
  KEYS[1]  the session (mcpca:session:{sid}), a hash in finishCall-4.lua's layout
  ARGV[1]  owner (the principal)
  ARGV[2]  name ("" for none)
  ARGV[3]  time to live, ms (applied on create, and on a re-create only if longer than what is left)
  ARGV[4]  now, epoch ms
  ARGV[5]  session record layout version
  Returns: 1 created; 0 it existed and is the owner's (its ttl kept, or raised to ARGV[3]);
           -1 it exists and belongs to another principal (nothing written).
]]
local owner = redis.call('HGET', KEYS[1], '_owner')
if owner then
  if owner ~= ARGV[1] then
    return -1
  end
  local left = redis.call('PTTL', KEYS[1])
  if left >= 0 and left < tonumber(ARGV[3]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
  end
  return 0
end
if redis.call('EXISTS', KEYS[1]) == 1 then
  -- a session written by calls before anyone claimed it (an MCP connection's): it is not this caller's
  return -1
end
redis.call('HSET', KEYS[1], '_schema', ARGV[5], '_owner', ARGV[1], '_name', ARGV[2], '_createdAtMs', ARGV[4],
  '_updatedAtMs', ARGV[4], '_version', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
