-- mas-health: Db2u state
local a, b, c, d, e, h, i
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b, c = a.conditions, a.state end
if type(b) == "table" then
 for _, j in ipairs(b) do
  if type(j) == "table" then
   local k = j.status
   if not d and k ~= "OK" and k ~= "True" then d, e = j, j.message end
  end
 end
end
local function f(g) return type(g) == "string" and g ~= "" and g end
if c == "Error" or c == "LicenseError" then h, i = "Degraded", (f(c) and "state " .. c or "failed") .. (f(e) and ": " .. e or "")
elseif c == "Ready" then h, i = "Healthy", f(c) and "state " .. c or "ready"
else h, i = "Progressing", f(c) and "state " .. c or "waiting for status.state" end
return {status = h, message = i}
