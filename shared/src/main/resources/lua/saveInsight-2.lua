--[[
  Store or update one codebase insight with compare-and-set on its version, and keep the owner's index in step,
  in one round trip. The index is pruned of insights whose time to live has run out (their last save is older
  than the retention, ARGV[5]) before the quota check, so an expired insight never counts against the quota.
  KEYS[1]  the insight        (mcpca:insight:{principal}:<id>), hash: version, json
  KEYS[2]  the owner's index  (mcpca:insights:{principal}), sorted set: id by last save time - same slot
  ARGV[1]  the version the caller expects: 0 to create (the insight must not exist), else the stored version
  ARGV[2]  the insight's JSON, already carrying version ARGV[1] + 1
  ARGV[3]  the insight id (the index member)
  ARGV[4]  now, epoch ms (the index score)
  ARGV[5]  retention, ms (the insight's and the index's time to live)
  ARGV[6]  most insights the owner may hold
  Returns: {new version} on success;
           {-1, stored version} the stored version is not ARGV[1] (0: there is none; nothing written);
           {-2, insights held} a create over the quota (nothing written).
]]
local expected = tonumber(ARGV[1])
local stored = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if stored ~= expected then
  return {-1, stored}
end
local now = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. (now - ttl))
if expected == 0 then
  local held = redis.call('ZCARD', KEYS[2])
  if held >= tonumber(ARGV[6]) then
    return {-2, held}
  end
end
local version = expected + 1
redis.call('HSET', KEYS[1], 'version', version, 'json', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('ZADD', KEYS[2], now, ARGV[3])
redis.call('PEXPIRE', KEYS[2], ttl)
return {version}
