--[[
  Finish a session-locked call in one round trip, before its reply goes out: write the session under the
  lease's fence (the only session write there is), release the lease (as releaseLock-1.lua) and move the
  execution record to its final state (as transitionExecution-1.lua) keeping the encoded reply in it, so a
  redelivery of the entry (the reply or the XACK was lost) answers again instead of running again. Nothing
  is written when the fence is stale: the lease was lost and another worker owns the call now.
  The session record is a hash: _schema (record layout version), _version (+1 per write, so it counts the
  session's calls), _fence (the fence of the last write, the highest: a lower one is refused),
  _updatedAtMs, and one field per attribute, named 'a:<name>', merged into those already there; with a history
  entry (ARGV[16]), the session's call history too: a ring of ARGV[17] fields 'h:<version mod ARGV[17]>', each
  '<version> <entry>', so the newest ARGV[17] calls are kept and the record stays bounded, and one counter per
  final state, '_n:<state>'.
  KEYS[1]  session key    (mcpca:session:{sid})
  KEYS[2]  fence key      (mcpca:fence:{sid})
  KEYS[3]  lock key       (mcpca:lock:{sid})
  KEYS[4]  execution key  (mcpca:exec:{sid}:<requestId>) - all four share the {sid} hash tag: one slot
  ARGV[1]  the lease's fence
  ARGV[2]  the lease's token
  ARGV[3]  session ttl, ms
  ARGV[4]  now, epoch ms
  ARGV[5]  session record layout version
  ARGV[6]  final state
  ARGV[7]  record ttl, ms
  ARGV[8]  record layout version
  ARGV[9]  worker id
  ARGV[10] reason (empty unless failed or cancelled)
  ARGV[11] request id
  ARGV[12] session id
  ARGV[13] the state a missing record is in (QUEUED)
  ARGV[14] states the final state may be entered from, space-separated (from ExecutionState)
  ARGV[15] the encoded reply to keep in the record (empty: none kept, it was too large)
  ARGV[16] the call's history entry (JSON; empty: none written)
  ARGV[17] history entries kept
  ARGV[18..] session attribute name, value pairs (names without the 'a:' prefix)
  Returns: the session's new version (>= 1); the record moved unless its state did not allow it,
           -3 stale fence (nothing written, the lease is not touched): a newer fence was issued or written, or
              the lease is gone and so is the fence key (it expired, a session lifetime after the last lease).
  The fence key's expiry is refreshed with the session's (see startCall-3.lua for why fencing stays safe).
]]
local fence = tonumber(ARGV[1])
-- Still holding the lease means no newer fence exists (one is handed out only with the lease), so the
-- fence reads are needed only when the lease ran out meanwhile.
local held = redis.call('GET', KEYS[3]) == ARGV[2]
if not held then
  local issued = redis.call('GET', KEYS[2])
  local written = tonumber(redis.call('HGET', KEYS[1], '_fence') or '0')
  if not issued or tonumber(issued) > fence or written > fence then
    return -3
  end
end
local version = redis.call('HINCRBY', KEYS[1], '_version', 1)
local fields = {'_schema', ARGV[5], '_updatedAtMs', ARGV[4], '_fence', fence}
for i = 18, #ARGV, 2 do
  table.insert(fields, 'a:' .. ARGV[i])
  table.insert(fields, ARGV[i + 1])
end
if ARGV[16] ~= '' then
  table.insert(fields, 'h:' .. (version % tonumber(ARGV[17])))
  table.insert(fields, version .. ' ' .. ARGV[16])
  redis.call('HINCRBY', KEYS[1], '_n:' .. ARGV[6], 1)
end
redis.call('HSET', KEYS[1], unpack(fields))
-- a session lives at least ARGV[3] past its last call; one created with a longer ttl keeps it
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
redis.call('PEXPIRE', KEYS[2], math.max(redis.call('PTTL', KEYS[1]), tonumber(ARGV[3])))
if held then
  redis.call('DEL', KEYS[3])
end
local current = redis.call('HGET', KEYS[4], 'state') or ARGV[13]
if string.find(' ' .. ARGV[14] .. ' ', ' ' .. current .. ' ', 1, true) then
  redis.call('HSET', KEYS[4], 'schema', ARGV[8], 'state', ARGV[6], 'previous', current, 'worker', ARGV[9],
    'reason', ARGV[10], 'updatedAtMs', ARGV[4], 'requestId', ARGV[11], 'sessionId', ARGV[12], 'reply', ARGV[15])
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
end
return version
