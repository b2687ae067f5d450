--[[
  Write a new batch's record with its expiry in one step, so a record never exists without a TTL (an ingress
  dying between an HSET and a PEXPIREAT would leave one forever).
  KEYS[1]  batch record (mcpca:batch:{bid})
  ARGV[1]  expiry, epoch ms (the batch's deadline + retention)
  ARGV[2..] field, value pairs
  Returns: 1 written, -1 a record with this id exists already (nothing written; ids are random, so never in practice).
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return -1
end
local fields = {}
for i = 2, #ARGV do
  fields[#fields + 1] = ARGV[i]
end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 1
