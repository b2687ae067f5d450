--[[
  Add a batch to its owner's index in one step: the id scored by its creation time, the index trimmed to the
  newest ARGV[3] and given ARGV[4] ms to live (the longest a batch lives), so the index is bounded in size and
  never left without a TTL.
  KEYS[1]  the owner's index (mcpca:batches:{principal}), a sorted set
  ARGV[1]  created at, epoch ms (the score)
  ARGV[2]  batch id
  ARGV[3]  batches kept
  ARGV[4]  time to live, ms
  Returns: the index's size after the trim.
]]
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -1 - tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('ZCARD', KEYS[1])
