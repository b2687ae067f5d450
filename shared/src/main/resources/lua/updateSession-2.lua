--[[
  Write a session record: optimistic concurrency on its version, refused for a stale fencing token.
  The record is a hash: _schema (record layout version), _version (+1 per write), _fence (highest
  fence that wrote), _updatedAtMs, and one field per attribute, named 'a:<name>'.
  KEYS[1]  session key  (mcpca:session:{sid})
  KEYS[2]  fence key    (mcpca:fence:{sid}) - same hash tag, so one Cluster slot
  ARGV[1]  expected version: -1 writes whatever the version is; >= 0 writes only if the record's
           version equals it (a missing record has version 0)
  ARGV[2]  fence: 0 for an unfenced write; else the writer's lease fence, refused when a newer fence
           was handed out (the writer's lease ran out and another holder took the session)
  ARGV[3]  ttl in ms of the record after the write (0 keeps none)
  ARGV[4]  now, epoch ms (the caller's clock, so tests can inject one)
  ARGV[5]  mode: 'merge' keeps other attributes, 'replace' drops them first
  ARGV[6]  record layout version to store in _schema
  ARGV[7..] attribute name, value pairs (names without the 'a:' prefix)
  Returns: the new version (>= 1) when written,
           -3 stale fence (a newer fence exists),
           -4 version mismatch.
]]
local fence = tonumber(ARGV[2])
local written = tonumber(redis.call('HGET', KEYS[1], '_fence') or '0')
if fence > 0 then
  local issued = tonumber(redis.call('GET', KEYS[2]) or '0')
  if issued > fence or written > fence then
    return -3
  end
end
local current = tonumber(redis.call('HGET', KEYS[1], '_version') or '0')
local expected = tonumber(ARGV[1])
if expected >= 0 and expected ~= current then
  return -4
end
if ARGV[5] == 'replace' then
  redis.call('DEL', KEYS[1])
end
local fields = {'_schema', ARGV[6], '_version', current + 1, '_updatedAtMs', ARGV[4]}
if fence > written then
  written = fence
end
if written > 0 then
  table.insert(fields, '_fence')
  table.insert(fields, written)
end
for i = 7, #ARGV, 2 do
  table.insert(fields, 'a:' .. ARGV[i])
  table.insert(fields, ARGV[i + 1])
end
redis.call('HSET', KEYS[1], unpack(fields))
if tonumber(ARGV[3]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return current + 1
