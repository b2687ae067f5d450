--[[
  Record the fan-out of a call that runs as shards, once per call: its shard count, its plan and its
  result-cache key, with a lifetime. A later delivery of the same call (its worker died after recording,
  maybe before sending every shard) finds the record and sends the recorded plan's shards again: a shard
  stored already is not run again, so a duplicate costs a read of the record.
  KEYS[1]  the call's shard record (Keys.shards(requestId))
  ARGV[1]  shard count
  ARGV[2]  the plan (JSON: the shards' bounds)
  ARGV[3]  the whole call's result-cache key ("" when the call is not cached)
  ARGV[4]  lifetime in ms (past the call's deadline)
  Returns: {1, plan}  recorded now: send the shards
           {0, plan}  an earlier delivery recorded it: send the recorded plan's shards again
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGET', KEYS[1], 'plan')}
end
redis.call('HSET', KEYS[1], 'count', ARGV[1], 'plan', ARGV[2], 'cacheKey', ARGV[3], 'done', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, ARGV[2]}
