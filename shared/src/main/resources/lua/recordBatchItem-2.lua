--[[
  Record the outcome of one batch item, exactly once: the first outcome of an item index is kept and counted,
  a later one (the entry was delivered again after its reply or XACK was lost, or a reclaim ran it twice) is
  ignored. Sent in the same pipeline as the item's finish and reply, before its XACK.
  The batch record is a hash: total, done, n:<STATE> (items per final state), e:<CODE> (items per error code),
  firstAtMs / finishedAtMs (first and last outcome), plus what submit-batch wrote (owner, name, createdAtMs,
  deadlineMs, cancelled, ...).
  KEYS[1]  batch record   (mcpca:batch:{bid})
  KEYS[2]  item outcomes  (mcpca:batch:{bid}:items) - both share the {bid} hash tag: one slot
  ARGV[1]  item index
  ARGV[2]  final state (SUCCEEDED, FAILED, CANCELLED, DEAD_LETTERED)
  ARGV[3]  error code (empty on success)
  ARGV[4]  the outcome's JSON
  ARGV[5]  now, epoch ms
  Returns: 1 recorded, 0 already recorded (nothing changed),
           -1 no batch record (it expired or never existed: nothing is written, so no key without a TTL appears).
  The items hash takes the batch record's expiry when this creates it.
]]
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[4]) == 0 then
  return 0
end
if redis.call('PTTL', KEYS[2]) == -1 then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl > 0 then
    redis.call('PEXPIRE', KEYS[2], ttl)
  end
end
redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[2], 1)
if ARGV[3] ~= '' then
  redis.call('HINCRBY', KEYS[1], 'e:' .. ARGV[3], 1)
end
redis.call('HSETNX', KEYS[1], 'firstAtMs', ARGV[5])
local done = redis.call('HINCRBY', KEYS[1], 'done', 1)
if done >= tonumber(redis.call('HGET', KEYS[1], 'total') or '0') then
  redis.call('HSET', KEYS[1], 'finishedAtMs', ARGV[5])
end
return 1
