-- mas-health: a tree comparison two clauses share
-- The first case that holds decides: failed -> Degraded; stale and ready -> Progressing;
--   stale -> Degraded; otherwise Healthy.
-- Which case decided for an object, and every value it read: mas-health explain FILE
local spec, source, status, conditions, error, sync, compared_to, compared_to_source, ready, verdict,
      message
if type(obj) == "table" then spec, status = obj.spec, obj.status end
if type(spec) == "table" then source = spec.source end
if type(status) == "table" then conditions, error, sync = status.conditions, status.error, status.sync end
if type(sync) == "table" then compared_to = sync.comparedTo end
if type(compared_to) == "table" then compared_to_source = compared_to.source end
if type(conditions) == "table" then
  for _, condition in ipairs(conditions) do
    if type(condition) == "table" then
      if not ready and condition.type == "Ready" and condition.status == "True" then ready = condition end
    end
  end
end
local function is_zero(item)
  if not item or item == "" or item == 0e0 then return true end
  if type(item) ~= "table" then return false end
  for _, child in pairs(item) do
    if not is_zero(child) then return false end
  end
  return true
end
local function same_tree(left, right)
  if is_zero(left) and is_zero(right) then return true end
  if type(left) ~= "table" or type(right) ~= "table" then return left == right end
  for key, entry in pairs(left) do
    if not same_tree(entry, right[key]) then return false end
  end
  for key, entry in pairs(right) do
    if left[key] == nil and not is_zero(entry) then return false end
  end
  return true
end
if error ~= nil then
  verdict, message = "Degraded", "failed"
elseif compared_to_source ~= nil and not same_tree(source, compared_to_source) and ready then
  verdict, message = "Progressing", "stale"
elseif compared_to_source ~= nil and not same_tree(source, compared_to_source) then
  verdict, message = "Degraded", "stale, not ready"
else
  verdict, message = "Healthy", "ok"
end
return {status = verdict, message = message}
