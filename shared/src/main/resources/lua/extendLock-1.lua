--[[
  Extend a session lock's lease if the caller still holds it (compare-and-extend).
  KEYS[1]  lock key
  ARGV[1]  token the caller acquired with
  ARGV[2]  new ttl in ms
  Returns:  1 extended
           -1 held by another token
           -2 no lock
]]
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if holder then
  return -1
end
return -2
