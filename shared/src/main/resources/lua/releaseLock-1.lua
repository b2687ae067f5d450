--[[
  Release a session lock only if the caller still holds it (compare-and-delete).
  KEYS[1]  lock key
  ARGV[1]  token the caller acquired with
  Returns:  1 released
           -1 held by another token (ours expired and someone else took it)
           -2 no lock (ours expired and nobody took it)
]]
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
if holder then
  return -1
end
return -2
