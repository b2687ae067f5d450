--[[
  Reset (or set) the idle time of pending stream entries this consumer still owns, without counting a
  delivery (XCLAIM ... JUSTID). A running worker calls it every minIdle/3 for what it holds, so the
  entries are never idle long enough for XAUTOCLAIM to steal them; it checks ownership first because
  a bare XCLAIM would take back an entry that another worker reclaimed while this one was stalled.
  With an idle time of minIdle it hands entries back: the next reclaim pass of any worker takes them.
  KEYS[1]  request stream (mcpca:req:{<pool>.<n>})
  ARGV[1]  consumer group
  ARGV[2]  consumer (this worker)
  ARGV[3]  idle time to set, ms (0 = just delivered)
  ARGV[4..] entry ids
  Returns: how many of the ids were still ours and were refreshed (0 .. #ids); the others were
           acknowledged or reclaimed by another consumer.
]]
local refreshed = 0
for i = 4, #ARGV do
  local pending = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if pending[1] and pending[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
    refreshed = refreshed + 1
  end
end
return refreshed
