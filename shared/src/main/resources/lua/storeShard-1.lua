--[[
  Store one shard's answer under its call's shard record and say whether this shard merges. The first
  delivery of a shard to finish stores its answer; a later one (a redelivery, a duplicate) changes
  nothing. When every shard is in, the shard that completed the set merges; a later delivery of that
  same shard (its worker died mid-merge) merges again, no other shard does.
  KEYS[1]  the call's shard record (Keys.shards(requestId))
  ARGV[1]  shard index (0-based)
  ARGV[2]  "r" (a result) or "e" (an error: "CODE message")
  ARGV[3]  the shard's answer
  Returns: {merge, done, count}  merge 1: this shard merges now; done: shards stored; count: shards in all
           {-1, 0, 0}            no record: the call is over (its record expired); drop the shard
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, 0, 0}
end
if redis.call('HSETNX', KEYS[1], 's:' .. ARGV[1], 1) == 1 then
  redis.call('HSET', KEYS[1], ARGV[2] .. ':' .. ARGV[1], ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'done', 1)
end
local done = tonumber(redis.call('HGET', KEYS[1], 'done'))
local count = tonumber(redis.call('HGET', KEYS[1], 'count'))
if done < count then
  return {0, done, count}
end
local merger = redis.call('HGET', KEYS[1], 'merger')
if not merger then
  redis.call('HSET', KEYS[1], 'merger', ARGV[1])
  return {1, done, count}
end
if merger == ARGV[1] then
  return {1, done, count}
end
return {0, done, count}
