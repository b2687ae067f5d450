--[[
  Move one call's execution record to a new state, atomically checking that the current state is
  one the caller's state machine allows before it (the table lives in Java, ExecutionState; this
  script only compares). A missing record counts as ARGV[10]: the stream entry itself is the QUEUED
  state until a worker first writes the record.
  KEYS[1]  execution key (mcpca:exec:{sid}:<requestId>)
  ARGV[1]  next state
  ARGV[2]  ttl in ms of the record after the write
  ARGV[3]  now, epoch ms
  ARGV[4]  record layout version to store in 'schema'
  ARGV[5]  attempt: a number sets it, '+1' increments it, '' keeps it (1 when missing)
  ARGV[6]  worker id
  ARGV[7]  reason (empty unless failed, dead-lettered, handed back)
  ARGV[8]  request id
  ARGV[9]  session id
  ARGV[10] the state a missing record is in
  ARGV[11..] states the transition is allowed from
  Returns: the record's attempt (>= 1) when moved, -6 illegal transition from the current state.
]]
local current = redis.call('HGET', KEYS[1], 'state') or ARGV[10]
local allowed = false
for i = 11, #ARGV do
  if ARGV[i] == current then
    allowed = true
  end
end
if not allowed then
  return -6
end
local attempt = tonumber(redis.call('HGET', KEYS[1], 'attempt') or '1')
if ARGV[5] == '+1' then
  attempt = attempt + 1
elseif ARGV[5] ~= '' then
  attempt = tonumber(ARGV[5])
end
redis.call('HSET', KEYS[1], 'schema', ARGV[4], 'state', ARGV[1], 'previous', current, 'attempt', attempt,
  'worker', ARGV[6], 'reason', ARGV[7], 'updatedAtMs', ARGV[3], 'requestId', ARGV[8], 'sessionId', ARGV[9])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return attempt
