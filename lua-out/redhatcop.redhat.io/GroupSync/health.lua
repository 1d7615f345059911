-- mas-health: GroupSync (ReconcileSuccess)
local a, b, c, d, e, f, g
if type(obj) == "table" then a = obj.status end
if type(a) == "table" then b = a.conditions end
if type(b) == "table" then
 for _, h in ipairs(b) do
  if type(h) == "table" then
   local i, j = h.type, h.status
   if not c and i == "ReconcileSuccess" and j == "True" then c = h end
   if not d and i == "ReconcileError" and j == "True" then d, e = h, h.message end
  end
 end
end
if c then f, g = "Healthy", "groups synchronized" .. (type(e) == "string" and e ~= "" and "; a sync also failed: " .. e or "")
elseif d then f, g = "Progressing", type(e) == "string" and e ~= "" and "sync failing, retried: " .. e or "sync failing, retried"
else f, g = "Progressing", "waiting for the first group sync" end
return {status = f, message = g}
