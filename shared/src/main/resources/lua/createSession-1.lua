--[[
  Create a session record unless one exists (the layout is the one of updateSession-2.lua).
  KEYS[1]  session key (mcpca:session:{sid})
  ARGV[1]  ttl in ms (0 keeps none)
  ARGV[2]  now, epoch ms
  ARGV[3]  record layout version to store in _schema
  ARGV[4..] attribute name, value pairs (names without the 'a:' prefix)
  Returns: 1 created (version 1), 0 a record existed and was left alone.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
local fields = {'_schema', ARGV[3], '_version', 1, '_updatedAtMs', ARGV[2]}
for i = 4, #ARGV, 2 do
  table.insert(fields, 'a:' .. ARGV[i])
  table.insert(fields, ARGV[i + 1])
end
redis.call('HSET', KEYS[1], unpack(fields))
if tonumber(ARGV[1]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return 1
