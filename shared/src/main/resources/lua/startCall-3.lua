--[[
  Start a session-locked call in one round trip: take the session lease (SET NX PX with a token unique
  per acquisition; the only place a lease is taken), hand out a fencing token (INCR, strictly increasing
  per session) and record the call RUNNING (as transitionExecution-1.lua), so a worker does not pay three
  round trips per call. A call whose record is final was answered on an earlier delivery: nothing
  is taken or written.
  KEYS[1]  lock key       (mcpca:lock:{sid})
  KEYS[2]  fence key      (mcpca:fence:{sid})
  KEYS[3]  execution key  (mcpca:exec:{sid}:<requestId>) - all three share the {sid} hash tag: one slot
  ARGV[1]  lock token     random per acquisition
  ARGV[2]  lock ttl, ms
  ARGV[3]  record ttl, ms
  ARGV[4]  now, epoch ms
  ARGV[5]  record layout version
  ARGV[6]  attempt (the delivery count)
  ARGV[7]  worker id
  ARGV[8]  request id
  ARGV[9]  session id
  ARGV[10] the state a missing record is in (QUEUED)
  ARGV[11] states RUNNING may be entered from, space-separated (from ExecutionState)
  ARGV[12] final states, space-separated (from ExecutionState)
  ARGV[13] fence ttl, ms (the session's lifetime)
  Returns: the fencing token (>= 1) when the lease is taken; the record is then RUNNING (moved there, or
           left RUNNING: its last holder died before a reclaim requeued it),
           -1 another token holds the lease (nothing written),
           -6 the record is final: a duplicate delivery of an answered call (nothing taken or written).
  The fence expires (issue 13: it was kept forever, one key per session ever opened). It lives the session's
  lifetime from the last lease taken or session written (here and in finishCall-4.lua), so it outlives the
  session record and every lease handed out under it (a lease lives lock ttl, 30 s by default; a call its
  deadline, 10 min). Fencing stays safe: a stale holder is refused while the fence key is there (issued >
  its fence), and finishCall-4.lua refuses a holder that no longer holds the lease and finds no fence key
  (it expired: the holder stalled for a whole session lifetime). Only a holder stalled that long and then
  overtaken by a new run of fences from 1 could write again, which a session lifetime (24 h) makes moot.
]]
local current = redis.call('HGET', KEYS[3], 'state') or ARGV[10]
if string.find(' ' .. ARGV[12] .. ' ', ' ' .. current .. ' ', 1, true) then
  return -6
end
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return -1
end
local fence = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[13])
if string.find(' ' .. ARGV[11] .. ' ', ' ' .. current .. ' ', 1, true) then
  redis.call('HSET', KEYS[3], 'schema', ARGV[5], 'state', 'RUNNING', 'previous', current, 'attempt', ARGV[6],
    'worker', ARGV[7], 'reason', '', 'updatedAtMs', ARGV[4], 'requestId', ARGV[8], 'sessionId', ARGV[9])
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
return fence
