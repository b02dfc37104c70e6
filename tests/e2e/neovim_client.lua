-- Neovim's built-in LSP client (0.7: vim.lsp.start_client) against `fletlint lsp`, headless.
-- Opens $FLETLINT_FILE, waits for fletlint's diagnostics, asks for the hover and the code
-- actions on line 1, writes what it got to $FLETLINT_OUT as JSON and quits.
local out = {}
local function finish()
  local file = io.open(vim.env.FLETLINT_OUT, "w")
  file:write(vim.fn.json_encode(out))
  file:close()
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = "fletlint",
    cmd = vim.fn.json_decode(vim.env.FLETLINT_CMD),
    root_dir = vim.env.FLETLINT_ROOT,
  })
  assert(client_id, "the client did not start")
  vim.cmd("edit " .. vim.fn.fnameescape(vim.env.FLETLINT_FILE))
  local buffer = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buffer, client_id)
  out.diagnostics_arrived = vim.wait(90000, function()
    return #vim.diagnostic.get(buffer) > 0
  end, 50)
  out.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(out.diagnostics, {
      lnum = d.lnum, col = d.col, severity = d.severity, source = d.source,
      message = d.message, code = d.code or lsp.code,
    })
  end
  local position = { textDocument = vim.lsp.util.make_text_document_params(buffer), position = { line = 0, character = 3 } }
  local hover = vim.lsp.buf_request_sync(buffer, "textDocument/hover", position, 30000) or {}
  for _, response in pairs(hover) do
    if response.result then
      out.hover = response.result.contents.value
    end
  end
  local context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buffer, 0) }
  local params = {
    textDocument = position.textDocument,
    range = { start = { line = 0, character = 3 }, ["end"] = { line = 0, character = 3 } },
    context = context,
  }
  local actions = vim.lsp.buf_request_sync(buffer, "textDocument/codeAction", params, 60000) or {}
  out.actions = {}
  for _, response in pairs(actions) do
    for _, action in ipairs(response.result or {}) do
      table.insert(out.actions, action.title)
      if out.applied == nil and action.edit and action.title:find("^pin ") then
        vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
        out.applied = action.title
      end
    end
  end
  out.text = table.concat(vim.api.nvim_buf_get_lines(buffer, 0, -1, false), "\n")
  vim.lsp.stop_client(client_id)
end)
if not ok then
  out.error = tostring(err)
end
finish()
