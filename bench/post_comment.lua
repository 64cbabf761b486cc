-- wrk script: post the hot post's comment form again and again, each time with a new text.
-- Usage: wrk ... -s bench/post_comment.lua http://HOST/posts/SLUG/comment/ -- COOKIE TOKEN ISSUED
-- One browser's CSRF cookie and the form's token and signed `issued` field (from one GET) are
-- reused: a reused form is held for a moderator, which is still a stored comment and a 302.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

local function encode(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local fields
local sent = 0

function init(args)
  local cookie, token, issued = args[1], args[2], args[3]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. cookie
  fields = "csrfmiddlewaretoken=" .. encode(token) .. "&issued=" .. encode(issued)
    .. "&author_name=" .. encode("Bench Reader") .. "&author_email=" .. encode("reader@example.net")
    .. "&homepage_url=&body="
end

function request()
  sent = sent + 1
  local body = string.format(
    "Comment %d from wrk thread %d: a text nobody sent before, so it is stored rather than "
      .. "refused as a duplicate, like a reader's.",
    sent, thread_number)
  return wrk.format(nil, nil, nil, fields .. encode(body))
end
