/* Surge admin: the custom inputs of generated forms (tags, rich text, file picker). */
(function () {
  "use strict";

  function hidden(host, name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value || "";
    host.appendChild(input);
    return input;
  }

  class TagsInput extends HTMLElement {
    connectedCallback() {
      if (this._ready) return;
      this._ready = true;
      const name = this.getAttribute("name");
      this.removeAttribute("name");
      this._tags = (this.getAttribute("value") || "").split(",").map((t) => t.trim()).filter(Boolean);
      this._hidden = hidden(this, name, "");
      this._text = document.createElement("input");
      this._text.type = "text";
      this._text.id = (this.id || name) + "-entry";
      this._text.placeholder = "Add a tag and press Enter";
      this._text.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === ",") {
          event.preventDefault();
          this.add(this._text.value);
        } else if (event.key === "Backspace" && !this._text.value && this._tags.length) {
          this._tags.pop();
          this.render();
        }
      });
      this._text.addEventListener("blur", () => this.add(this._text.value));
      this.appendChild(this._text);
      this.render();
    }
    add(text) {
      const tag = (text || "").trim().replace(/,/g, "");
      if (tag && !this._tags.includes(tag)) this._tags.push(tag);
      this._text.value = "";
      this.render();
    }
    render() {
      this.querySelectorAll(".admin-tag").forEach((chip) => chip.remove());
      this._tags.forEach((tag, index) => {
        const chip = document.createElement("span");
        chip.className = "admin-tag";
        chip.textContent = tag;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.textContent = "×";
        remove.setAttribute("aria-label", "Remove " + tag);
        remove.addEventListener("click", () => { this._tags.splice(index, 1); this.render(); });
        chip.appendChild(remove);
        this.insertBefore(chip, this._text);
      });
      this._hidden.value = this._tags.join(",");
    }
  }

  // pell's own link icon is an emoji, missing from many fonts: a drawn chain instead.
  const LINK_ICON = '<svg viewBox="0 0 16 16" width="15" height="15" aria-hidden="true"><g fill="none" stroke="currentColor" ' +
    'stroke-width="1.6" transform="rotate(-45 8 8)"><rect x="1" y="5.5" width="8" height="5" rx="2.5"/>' +
    '<rect x="7" y="5.5" width="8" height="5" rx="2.5"/></g></svg>';

  class RichTextEditor extends HTMLElement {
    connectedCallback() {
      if (this._ready) return;
      this._ready = true;
      const name = this.getAttribute("name");
      this.removeAttribute("name");
      const store = hidden(this, name, this.getAttribute("value") || "");
      const holder = document.createElement("div");
      this.appendChild(holder);
      const editor = window.pell.init({
        element: holder,
        onChange: (html) => { store.value = html; },
        defaultParagraphSeparator: "p",
        actions: ["bold", "italic", "underline", "heading1", "heading2", "paragraph", "olist", "ulist",
          { name: "link", icon: LINK_ICON }],
      });
      editor.content.innerHTML = store.value;
      editor.content.id = (this.id || name) + "-editor";
      editor.content.setAttribute("role", "textbox");
      editor.content.setAttribute("aria-multiline", "true");
    }
  }

  class FilePicker extends HTMLElement {
    connectedCallback() {
      if (this._ready) return;
      this._ready = true;
      const input = document.createElement("input");
      input.type = "text";
      input.name = this.getAttribute("name");
      input.id = (this.id || input.name) + "-path";
      input.value = this.getAttribute("value") || "";
      input.placeholder = "Path inside the file folder";
      this.removeAttribute("name");
      this.appendChild(input);
    }
  }

  customElements.define("tags-input", TagsInput);
  customElements.define("richtext-editor", RichTextEditor);
  customElements.define("file-picker", FilePicker);

  /* Recipient suggestions of the e-mail form, as the user types. */
  const to = document.getElementById("to-address");
  const list = document.getElementById("recipient-suggestions");
  if (to && list && to.dataset.queryUrl) {
    let timer = null;
    to.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const last = to.value.split(",").pop().trim();
        const response = await fetch(to.dataset.queryUrl + "&query=" + encodeURIComponent(last), { credentials: "same-origin" });
        if (!response.ok) return;
        const payload = await response.json();
        list.replaceChildren(...payload.data.map(([name, address]) => {
          const option = document.createElement("option");
          option.value = address;
          option.textContent = name;
          return option;
        }));
      }, 250);
    });
  }
})();
