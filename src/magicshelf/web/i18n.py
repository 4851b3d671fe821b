"""The words on the pages, in Brazilian Portuguese (the default) and English.

Keys starting with ``js.`` are also handed to the studio's JavaScript, so the messages it
shows (saving, uploading, the API's errors) come from the same catalog as the pages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, Literal

Locale = Literal["pt-BR", "en"]
DEFAULT_LOCALE: Final[Locale] = "pt-BR"

PT: Final[dict[str, str]] = {
    "site.tagline": "Livros escritos e desenhados por crianças",
    "nav.skip": "Pular para o conteúdo",
    "nav.home": "Início",
    "landing.title": "Vamos ler o livro?",
    "landing.lead": "O código mágico está no bilhete que a escola mandou para casa.",
    "landing.label": "Digite o código mágico",
    "landing.hint": "São 9 letras e números, como ABC-DEF-GH3. Maiúsculas, espaços e hífens "
    "tanto faz.",
    "landing.submit": "Ler o livro",
    "landing.teacher": "É professor ou professora?",
    "landing.studio": "Crie e edite os livros no estúdio",
    "error.empty_code": "Digite o código mágico para abrir o livro.",
    "error.invalid_code": "Hmm, esse código não está certo. Confira cada letra e número no "
    "bilhete e tente de novo.",
    "error.unknown_code": "Não encontramos nenhum livro com esse código. Confira o bilhete e "
    "tente de novo.",
    "error.still_writing": "Esse livro ainda está sendo escrito! O código está certo: volte "
    "quando a turma terminar.",
    "error.too_many": "Foram muitas tentativas com códigos que não existem. Espere uns "
    "{minutes} minutos e tente de novo.",
    "reader.by": "Escrito e desenhado por {author}",
    "reader.teacher": "Orientação: {teacher}",
    "reader.cover": "Capa",
    "reader.page_of": "Página {number} de {total}",
    "reader.prev": "Anterior",
    "reader.next": "Próxima",
    "reader.pages": "Virar as páginas",
    "reader.pdf": "Baixar e imprimir",
    "reader.drawing_alt": "Desenho da página {number}",
    "reader.blank": "Esta página ficou em branco.",
    "reader.tip": "Dica: use as setas do teclado ou deslize o dedo para virar a página.",
    "reader.another": "Ler outro livro",
    "reader.end": "Fim",
    "reader.again": "Ler de novo",
    "reader.downloads": "Para ter o livro em papel",
    "reader.download_read": "Baixar para ler",
    "reader.download_read_hint": "PDF em A5, uma página por folha.",
    "reader.download_fold": "Baixar para imprimir e dobrar",
    "reader.download_fold_hint": (
        "Duas folhas A4 impressas frente e verso (virando pela borda curta): "
        "dobre ao meio, uma dentro da outra, e grampeie na dobra."
    ),
    "reader.listen_page": "Ouvir esta página",
    "reader.listen_book": "Ouvir o livro",
    "reader.listen_short": "Ouvir",
    "reader.voice_label": "Gravação da página {number}",
    "reader.voice_failed": "Não deu para tocar a gravação. Confira a internet e tente de novo.",
    "studio.title": "Estúdio do professor",
    "studio.lead": "Crie o livro da criança, digite os textos e envie os desenhos. Cada livro "
    "ganha um código mágico para a família ler em casa.",
    "studio.new": "Criar um livro novo",
    "studio.details": "Dados do livro",
    "field.title": "Título do livro",
    "field.author": "Autor ou autora (a criança)",
    "field.teacher": "Professor ou professora",
    "field.school": "Escola (opcional)",
    "field.code": "Código mágico",
    "field.key": "Chave de edição",
    "studio.create": "Criar livro",
    "studio.save_details": "Salvar dados do livro",
    "studio.open": "Abrir um livro que já existe",
    "studio.open_hint": "Use o código mágico e a chave de edição que você guardou.",
    "studio.open_submit": "Abrir livro",
    "studio.created": "Livro criado!",
    "studio.keep_key": "Guarde esta chave!",
    "studio.key_warning": "É com ela que se edita o livro depois. Copie, anote ou imprima o "
    "cartão e guarde num lugar seguro.",
    "studio.code_label": "Código mágico (para a família)",
    "studio.key_label": "Chave de edição (só para você)",
    "studio.copy": "Copiar código e chave",
    "studio.pages": "As seis páginas",
    "studio.page": "Página {number}",
    "studio.text_label": "Texto da página {number}",
    "studio.save_text": "Salvar texto",
    "studio.drawing": "Desenho da página {number}",
    "studio.remove": "Remover desenho",
    "studio.drawing_hint": "Foto ou digitalização em PNG, JPEG ou WebP, até {megabytes} MB.",
    "studio.voice": "Gravação da página {number}",
    "studio.no_voice": "Ainda sem gravação.",
    "studio.voice_level": "Volume do microfone",
    "studio.voice_take": "Ouça antes de enviar:",
    "studio.record": "Gravar",
    "studio.stop": "Parar",
    "studio.send": "Enviar",
    "studio.record_again": "Gravar de novo",
    "studio.audio_file": "Enviar arquivo de áudio",
    "studio.remove_voice": "Apagar gravação",
    "studio.voice_hint": "A criança lendo a página em voz alta, até {limit}. Ou um arquivo de "
    "áudio (WebM, MP4, M4A, Ogg, MP3 ou WAV) de até {megabytes} MB.",
    "studio.read": "Ver como a família vai ver",
    "studio.close": "Fechar este livro",
    "studio.needs_js": "O estúdio precisa de JavaScript ligado no navegador.",
    "studio.single": "Um livro avulso, sem conta",
    "studio.key_hint": "Maiúsculas ou minúsculas, com ou sem hífens: tanto faz.",
    "studio.renewed": "Chave nova criada!",
    "studio.key_card": "Imprimir cartão da chave",
    "studio.key_kept": "Já guardei a chave",
    "rekey.button": "Gerar nova chave",
    "rekey.heading": "Gerar uma chave nova para este livro?",
    "rekey.explain": "A chave antiga para de funcionar. O código mágico continua o mesmo: as "
    "famílias leem o livro como antes.",
    "rekey.keep": "Manter a chave atual",
    "rekey.confirm": "Gerar nova chave",
    "close.heading": "Fechar sem salvar?",
    "close.text": "Algo ainda não foi salvo (um texto ou uma gravação) e se perderia.",
    "close.keep": "Continuar editando",
    "close.confirm": "Fechar mesmo assim",
    "field.email": "E-mail",
    "field.password": "Senha",
    "field.your_name": "Seu nome",
    "field.new_password": "Senha nova",
    "field.class_name": "Nome da turma",
    "field.class_school": "Escola da turma (opcional)",
    "field.year": "Ano letivo (opcional)",
    "account.sign_in_title": "Entrar para ver suas turmas",
    "account.sign_in": "Entrar",
    "account.no_account": "Ainda não tem conta?",
    "account.sign_up_link": "Criar conta de professor",
    "account.sign_up_title": "Criar sua conta",
    "account.first": "A primeira conta da escola é criada aqui mesmo. As seguintes precisam de "
    "um convite de quem criou a primeira.",
    "account.invited": "Você recebeu um convite. Use o e-mail para o qual ele foi feito.",
    "account.password_hint": "Pelo menos 10 caracteres. Uma frase curta é fácil de lembrar.",
    "account.sign_up": "Criar conta",
    "account.have_account": "Já tem conta?",
    "account.sign_in_link": "Entrar",
    "account.reset_title": "Escolher uma senha nova",
    "account.reset": "Salvar senha nova",
    "account.sign_out": "Sair",
    "classes.title": "Minhas turmas",
    "classes.none": "Você ainda não tem turmas. Crie a primeira aqui embaixo.",
    "classes.new": "Criar uma turma",
    "classes.name_hint": "Por exemplo: 3º ano B.",
    "classes.create": "Criar turma",
    "invite.title": "Convidar colegas",
    "invite.lead": "Crie um link para outro professor ou professora da escola e entregue a "
    "essa pessoa. O link vale uma vez só.",
    "invite.purpose": "Para quê?",
    "invite.invite": "Criar uma conta",
    "invite.reset": "Trocar a senha esquecida",
    "invite.make": "Criar link",
    "invite.copy": "Copiar link",
    "class.crumbs": "Onde você está",
    "class.back": "Voltar para a turma",
    "class.publish_all": "Publicar todos os livros",
    "class.slips": "Bilhetes para casa (PDF)",
    "class.books_pdf": "Todos os livros (PDF)",
    "class.pdf_hint": "Os bilhetes trazem o nome, o código mágico e um QR code de cada "
    "criança. O PDF da turma junta os livros já publicados.",
    "class.no_books": "Ainda não há crianças nesta turma. Cole a lista aqui embaixo.",
    "class.delete_title": "Excluir a turma",
    "class.delete_lead": "Apaga a turma e os livros das crianças, com textos e desenhos.",
    "class.delete": "Excluir turma…",
    "class.keep": "Não, manter a turma",
    "class.delete_for_good": "Sim, excluir",
    "grid.title": "Páginas das crianças",
    "grid.legend": "Legenda",
    "grid.complete": "texto e desenho",
    "grid.partial": "falta texto ou desenho",
    "grid.empty": "página vazia",
    "grid.audio": "gravação da criança",
    "grid.caption": "Cada linha é o livro de uma criança; cada coluna, uma página. Clique "
    "numa página para abri-la.",
    "grid.child": "Criança",
    "grid.page": "Página",
    "grid.state": "Situação",
    "grid.published": "Publicado",
    "grid.publish": "Publicar",
    "roster.title": "Colar a lista da turma",
    "roster.more": "Acrescentar crianças",
    "roster.label": "Nomes das crianças",
    "roster.hint": "Um nome por linha. Pode copiar a coluna de nomes do Excel e colar aqui.",
    "roster.file": "Escolher arquivo CSV",
    "roster.file_hint": "Ou use a planilha salva como CSV.",
    "roster.preview": "Conferir a lista",
    "roster.fix": "Corrigir a lista",
    "js.copy_text": "Código mágico: {code}\nChave de edição: {key}",
    "js.copied": "Copiado! Cole num lugar seguro.",
    "js.copy_failed": "Não deu para copiar. Selecione o código e a chave e copie à mão.",
    "js.counter": "{count} de {max} caracteres",
    "js.too_long": "Passou do limite de {max} caracteres.",
    "js.saving": "Salvando…",
    "js.saved": "Salvo!",
    "js.unsaved": "Alterações ainda não salvas.",
    "js.save_retry": "Não deu para salvar agora. Tentando de novo em {seconds} s; o texto "
    "continua aqui.",
    "js.card_preparing": "Preparando o cartão…",
    "js.card_ready": "Cartão baixado. Imprima e guarde num lugar seguro.",
    "js.uploading": "Enviando… {percent}%",
    "js.processing": "Preparando o desenho…",
    "js.file_too_large": "Esse arquivo tem {size} MB e o limite é {max} MB. Envie uma foto "
    "menor (por exemplo, tirada com resolução mais baixa).",
    "js.uploaded": "Desenho enviado!",
    "js.removing": "Removendo…",
    "js.removed": "Desenho removido.",
    "js.no_drawing": "Ainda sem desenho.",
    "js.choose": "Escolher desenho",
    "js.replace": "Trocar desenho",
    "js.preview_alt": "Prévia do desenho da página {number}",
    "js.recording": "Gravando… Fale pertinho do microfone.",
    "js.recorded": "Gravação pronta ({duration}). Ouça e, se estiver boa, envie.",
    "js.recording_limit": "Chegou ao limite de {limit} e a gravação parou. Ouça e, se estiver "
    "boa, envie.",
    "js.recording_empty": "A gravação ficou vazia. Tente de novo.",
    "js.voice_processing": "Preparando a gravação…",
    "js.voice_uploaded": "Gravação enviada!",
    "js.voice_removed": "Gravação apagada.",
    "js.voice_duration": "Duração: {duration}",
    "js.voice_too_large": "Esse arquivo tem {size} MB e o limite é {max} MB. Grave aqui mesmo, "
    "ou envie um arquivo menor.",
    "js.mic_refused": "O navegador não deixou usar o microfone. Permita o microfone para este "
    "site e tente de novo, ou envie um arquivo de áudio.",
    "js.mic_missing": "Não encontramos nenhum microfone neste aparelho. Conecte um e tente de "
    "novo, ou envie um arquivo de áudio.",
    "js.mic_busy": "O microfone está sendo usado por outro programa. Feche esse programa e "
    "tente de novo, ou envie um arquivo de áudio.",
    "js.mic_insecure": "O navegador só deixa gravar em endereços seguros (https://). Peça a quem "
    "cuida do servidor da escola para ativar o https, ou envie um arquivo de áudio.",
    "js.mic_unsupported": "Este navegador não sabe gravar áudio. Use a versão mais nova do "
    "Chrome, Firefox, Safari ou Edge, ou envie um arquivo de áudio.",
    "js.mic_failed": "Não deu para começar a gravar. Tente de novo, ou envie um arquivo de áudio.",
    "js.editing": "Editando “{title}” · código {code}",
    "js.code_required": "Digite o código mágico do livro.",
    "js.key_required": "Digite a chave de edição que você guardou.",
    "js.network": "Sem conexão com o servidor. Confira a internet e tente de novo.",
    "js.hello": "Olá, {name}!",
    "js.signed_out": "Você saiu. Até a próxima!",
    "js.sign_in_first": "Entre com sua conta para abrir essa turma.",
    "js.password_changed": "Senha nova salva! Agora é só entrar com ela.",
    "js.class_deleted": "A turma “{name}” foi excluída.",
    "js.delete_heading": "Excluir a turma “{name}”?",
    "js.delete_text": "Todos os livros dela ({count}), com textos e desenhos, serão apagados. "
    "Não dá para desfazer.",
    "js.summary": "Crianças: {children} · Páginas prontas: {complete} de {pages} · Livros "
    "publicados: {published}",
    "js.cell": "{author}, página {number}: {text}, {drawing}, {audio}",
    "js.has_text": "com texto",
    "js.no_text": "sem texto",
    "js.has_drawing": "com desenho",
    "js.lacks_drawing": "sem desenho",
    "js.has_audio": "com gravação",
    "js.no_audio": "sem gravação",
    "js.publish_whose": " o livro de {author}",
    "js.publishing": "Publicando…",
    "js.published_one": "O livro de {author} foi publicado.",
    "js.published_all": "Todos os livros foram publicados. As famílias já podem ler!",
    "js.reading_list": "Lendo a lista…",
    "js.understood_heading": "Entendemos {count} nomes",
    "js.understood_heading_one": "Entendemos 1 nome",
    "js.understood_text": "Uma lista com um nome por linha.",
    "js.understood_table": "Uma tabela com colunas separadas por {delimiter} ({encoding}), "
    "{header}. Os nomes vieram da coluna {column}.",
    "js.with_header": "com uma linha de títulos, que não entra na lista",
    "js.without_header": "sem linha de títulos",
    "js.tab": "tabulação",
    "js.create_books": "Criar os {count} livros",
    "js.create_books_one": "Criar 1 livro",
    "js.creating": "Criando os livros…",
    "js.created_books": "Pronto! {count} livros criados, cada um com seu código mágico.",
    "js.created_books_one": "Pronto! 1 livro criado, com seu código mágico.",
    "js.roster_line": "Linha {line}: {message}",
    "js.link_for": "Link para {email} (vale até {until}):",
    "js.link_copy_failed": "Não deu para copiar. Selecione o link e copie à mão.",
    "js.problem.invalid-magic-code": "Esse código mágico não está certo. Confira cada letra e "
    "número.",
    "js.problem.book-not-found": "Não existe livro com esse código mágico.",
    "js.problem.too-many-misses": "Muitas tentativas com códigos que não existem. Espere alguns "
    "minutos e tente de novo.",
    "js.problem.edit-key-required": "Digite a chave de edição do livro.",
    "js.problem.wrong-edit-key": "Essa chave de edição não abre este livro. Feche o livro e "
    "abra de novo com a chave certa.",
    "js.problem.payload-too-large": "O arquivo é grande demais. Envie uma foto menor (por "
    "exemplo, tirada com resolução mais baixa).",
    "js.problem.unsupported-image": "Esse arquivo não é uma imagem PNG, JPEG ou WebP.",
    "js.problem.unprocessable-image": "Não conseguimos abrir essa imagem: ela pode estar "
    "corrompida ou ser grande demais.",
    "js.problem.unsupported-audio": "Esse arquivo não é uma gravação que a gente consiga ler. "
    "Use WebM, MP4 (M4A), Ogg, MP3 ou WAV.",
    "js.problem.unprocessable-audio": "Não conseguimos usar essa gravação: ela está corrompida, "
    "sem som ou só com silêncio. Grave de novo, pertinho do microfone.",
    "js.problem.recording-too-long": "A gravação passou do tempo máximo de uma página. Grave de "
    "novo, mais curta, ou corte o arquivo antes de enviar.",
    "js.problem.internal-error": "Algo deu errado do nosso lado. Tente de novo daqui a pouco.",
    "js.problem.sign-in-required": "Sua sessão terminou. Entre de novo para continuar.",
    "js.problem.wrong-credentials": "E-mail ou senha não conferem. Confira e tente de novo.",
    "js.problem.too-many-logins": "Muitas tentativas de entrar. Espere alguns minutos e tente "
    "de novo.",
    "js.problem.too-many-writes": "Muitos envios daqui em pouco tempo. Espere alguns minutos "
    "e tente de novo.",
    "js.problem.cross-site-request": "Esse pedido veio de outro site e foi recusado. Abra o "
    "estúdio pelo endereço da escola.",
    "js.problem.invitation-required": "Para criar uma conta, peça um convite a quem criou a "
    "primeira conta da escola.",
    "js.problem.link-not-valid": "Esse link não funciona mais: ele já foi usado, venceu ou é "
    "de outro e-mail. Peça um novo.",
    "js.problem.email-taken": "Já existe uma conta com esse e-mail. Entre com ela.",
    "js.problem.admin-only": "Só quem criou a primeira conta da escola pode fazer isso.",
    "js.problem.class-owner-only": "Só a professora ou o professor dono da turma pode fazer isso.",
    "js.problem.class-not-found": "Não encontramos essa turma entre as suas.",
    "js.problem.nothing-to-print": "Ainda não há nada para imprimir: publique os livros primeiro.",
    "js.problem.book-not-published": "Esse livro ainda está sendo escrito.",
    "js.problem.idempotency-key-reused": "Esse pedido já foi feito antes com outros dados. "
    "Recarregue a página e tente de novo.",
    "js.problem.invalid-input": "Confira o que está marcado.",
    "js.problem.bad-request": "Não conseguimos ler esse pedido. Recarregue a página e tente de "
    "novo.",
    "js.problem.not-found": "Não encontramos o que você procurava. Recarregue a página.",
    "js.problem.page-not-found": "Um livro tem as páginas de 1 a 6.",
    "js.problem.media-not-found": "Não encontramos essa imagem.",
    "js.problem.range-not-satisfiable": "Esse trecho do arquivo não existe. Recarregue a página.",
    "js.problem.method-not-allowed": "Isso não dá para fazer aqui. Recarregue a página.",
    "js.problem.unsupported-media-type": "Esse tipo de arquivo não serve aqui. Para a lista da "
    "turma, use um CSV ou cole os nomes.",
    "js.problem.service-unavailable": "O MagicShelf está fora do ar por um instante. Espere "
    "alguns segundos e tente de novo.",
    "js.problem.storage-full": "Não deu para salvar: o espaço do servidor acabou. Avise a "
    "escola e envie de novo mais tarde.",
    # By the API's field error codes (errors.FIELD_ERROR_CODES), with their params.
    "js.field.required": "Preencha este campo.",
    "js.field.empty": "Este campo não pode ficar vazio.",
    "js.field.too_long": "Use no máximo {limit} caracteres (agora são {actual}).",
    "js.field.control_characters": "Tem caracteres invisíveis que não podem ser usados. Apague "
    "e digite de novo.",
    "js.field.invalid_characters": "Tem caracteres que não são texto. Apague e digite de novo.",
    "js.field.too_short": "Use pelo menos {limit} caracteres.",
    "js.field.too_many": "São {actual}; o máximo é {limit}.",
    "js.field.out_of_range": "Use um número entre {min} e {max}.",
    "js.field.wrong_type": "Confira o que foi digitado aqui.",
    "js.field.invalid": "Confira o que foi digitado aqui.",
    "js.field.wrong_encoding": "Esse arquivo não está em UTF-8 nem em Windows-1252. No Excel, "
    "salve como “CSV (separado por vírgulas)” ou “CSV UTF-8”, ou cole os nomes aqui.",
    "js.field.cannot_remove": "Este campo não pode ficar vazio.",
    "js.field.duplicate": "“{value}” aparece duas vezes.",
    "js.field.unknown_field": "Este campo não faz parte do pedido. Recarregue a página.",
    # Where one field's rule deserves its own words: field.<field>.<code>.
    "js.field.email.invalid": "Digite um e-mail, como ana@escola.br.",
    "js.field.password.too_short": "A senha precisa ter pelo menos {limit} caracteres.",
    "js.field.names.empty": "A lista está vazia. Cole um nome por linha.",
    "js.field.names.too_many": "A lista tem {actual} nomes; o máximo é {limit}. Envie uma "
    "turma de cada vez.",
    # A line of a roster ("line 3" in the API's errors), after "Linha 3: ".
    "js.field.line.invalid_characters": "um nome só pode ter letras, espaços, apóstrofos, "
    "hífens e pontos.",
    "js.field.line.too_long": "o nome passou de {limit} caracteres (tem {actual}).",
}

EN: Final[dict[str, str]] = {
    "site.tagline": "Books written and drawn by children",
    "nav.skip": "Skip to content",
    "nav.home": "Home",
    "landing.title": "Shall we read the book?",
    "landing.lead": "The magic code is on the note the school sent home.",
    "landing.label": "Type the magic code",
    "landing.hint": "9 letters and digits, like ABC-DEF-GH3. Capitals, spaces and hyphens "
    "don't matter.",
    "landing.submit": "Read the book",
    "landing.teacher": "Are you a teacher?",
    "landing.studio": "Create and edit books in the studio",
    "error.empty_code": "Type the magic code to open the book.",
    "error.invalid_code": "Hmm, that code isn't right. Check each letter and digit on the note "
    "and try again.",
    "error.unknown_code": "We couldn't find a book with that code. Check the note and try again.",
    "error.still_writing": "This book is still being written! The code is right: come back "
    "when the class has finished it.",
    "error.too_many": "Too many tries with codes that don't exist. Please wait about "
    "{minutes} minutes and try again.",
    "reader.by": "Written and drawn by {author}",
    "reader.teacher": "Teacher: {teacher}",
    "reader.cover": "Cover",
    "reader.page_of": "Page {number} of {total}",
    "reader.prev": "Previous",
    "reader.next": "Next",
    "reader.pages": "Turn the pages",
    "reader.pdf": "Download and print",
    "reader.drawing_alt": "Drawing for page {number}",
    "reader.blank": "This page was left blank.",
    "reader.tip": "Tip: use the arrow keys or swipe to turn the page.",
    "reader.another": "Read another book",
    "reader.end": "The End",
    "reader.again": "Read it again",
    "reader.downloads": "To have the book on paper",
    "reader.download_read": "Download to read",
    "reader.download_read_hint": "An A5 PDF, one page per sheet.",
    "reader.download_fold": "Download to print and fold",
    "reader.download_fold_hint": (
        "Two A4 sheets printed on both sides (flipping on the short edge): "
        "fold them in half, one inside the other, and staple along the fold."
    ),
    "reader.listen_page": "Listen to this page",
    "reader.listen_book": "Listen to the book",
    "reader.listen_short": "Listen",
    "reader.voice_label": "Recording of page {number}",
    "reader.voice_failed": "The recording could not play. Check the internet and try again.",
    "studio.title": "Teacher's studio",
    "studio.lead": "Create the child's book, type the texts and upload the drawings. Every "
    "book gets a magic code so the family can read it at home.",
    "studio.new": "Create a new book",
    "studio.details": "About the book",
    "field.title": "Book title",
    "field.author": "Author (the child)",
    "field.teacher": "Teacher",
    "field.school": "School (optional)",
    "field.code": "Magic code",
    "field.key": "Edit key",
    "studio.create": "Create book",
    "studio.save_details": "Save book details",
    "studio.open": "Open an existing book",
    "studio.open_hint": "Use the magic code and the edit key you saved.",
    "studio.open_submit": "Open book",
    "studio.created": "Book created!",
    "studio.keep_key": "Save this key!",
    "studio.key_warning": "It is what lets you edit the book later. Copy it, write it down or "
    "print the card, and keep it somewhere safe.",
    "studio.code_label": "Magic code (for the family)",
    "studio.key_label": "Edit key (just for you)",
    "studio.copy": "Copy code and key",
    "studio.pages": "The six pages",
    "studio.page": "Page {number}",
    "studio.text_label": "Text for page {number}",
    "studio.save_text": "Save text",
    "studio.drawing": "Drawing for page {number}",
    "studio.remove": "Remove drawing",
    "studio.drawing_hint": "A photo or scan as PNG, JPEG or WebP, up to {megabytes} MB.",
    "studio.voice": "Recording of page {number}",
    "studio.no_voice": "No recording yet.",
    "studio.voice_level": "Microphone level",
    "studio.voice_take": "Listen before you send it:",
    "studio.record": "Record",
    "studio.stop": "Stop",
    "studio.send": "Send",
    "studio.record_again": "Record again",
    "studio.audio_file": "Upload an audio file",
    "studio.remove_voice": "Delete recording",
    "studio.voice_hint": "The child reading the page aloud, up to {limit}. Or an audio file "
    "(WebM, MP4, M4A, Ogg, MP3 or WAV) up to {megabytes} MB.",
    "studio.read": "See it as the family will",
    "studio.close": "Close this book",
    "studio.needs_js": "The studio needs JavaScript turned on in the browser.",
    "studio.single": "A single book, without an account",
    "studio.key_hint": "Capitals, spaces and hyphens don't matter.",
    "studio.renewed": "New key made!",
    "studio.key_card": "Print the key card",
    "studio.key_kept": "I have kept the key",
    "rekey.button": "Make a new key",
    "rekey.heading": "Make a new key for this book?",
    "rekey.explain": "The old key stops working. The magic code stays the same: families read "
    "the book as before.",
    "rekey.keep": "Keep the current key",
    "rekey.confirm": "Make a new key",
    "close.heading": "Close without saving?",
    "close.text": "Something is not saved yet (a text or a recording) and would be lost.",
    "close.keep": "Keep editing",
    "close.confirm": "Close anyway",
    "field.email": "Email",
    "field.password": "Password",
    "field.your_name": "Your name",
    "field.new_password": "New password",
    "field.class_name": "Class name",
    "field.class_school": "The class's school (optional)",
    "field.year": "School year (optional)",
    "account.sign_in_title": "Sign in to see your classes",
    "account.sign_in": "Sign in",
    "account.no_account": "No account yet?",
    "account.sign_up_link": "Create a teacher account",
    "account.sign_up_title": "Create your account",
    "account.first": "The school's first account is created right here. The next ones need an "
    "invitation from whoever created the first.",
    "account.invited": "You have been invited. Use the email the invitation was made for.",
    "account.password_hint": "At least 10 characters. A short sentence is easy to remember.",
    "account.sign_up": "Create account",
    "account.have_account": "Already have an account?",
    "account.sign_in_link": "Sign in",
    "account.reset_title": "Choose a new password",
    "account.reset": "Save new password",
    "account.sign_out": "Sign out",
    "classes.title": "My classes",
    "classes.none": "You have no classes yet. Create the first one below.",
    "classes.new": "Create a class",
    "classes.name_hint": "For example: Year 3 B.",
    "classes.create": "Create class",
    "invite.title": "Invite colleagues",
    "invite.lead": "Make a link for another teacher of the school and hand it over. The link "
    "works once.",
    "invite.purpose": "What for?",
    "invite.invite": "Create an account",
    "invite.reset": "Reset a forgotten password",
    "invite.make": "Make link",
    "invite.copy": "Copy link",
    "class.crumbs": "Where you are",
    "class.back": "Back to the class",
    "class.publish_all": "Publish every book",
    "class.slips": "Take-home slips (PDF)",
    "class.books_pdf": "All the books (PDF)",
    "class.pdf_hint": "The slips carry each child's name, magic code and a QR code. The class "
    "PDF gathers the books already published.",
    "class.no_books": "No children in this class yet. Paste the list below.",
    "class.delete_title": "Delete the class",
    "class.delete_lead": "Deletes the class and the children's books, texts and drawings too.",
    "class.delete": "Delete class…",
    "class.keep": "No, keep the class",
    "class.delete_for_good": "Yes, delete",
    "grid.title": "The children's pages",
    "grid.legend": "Legend",
    "grid.complete": "text and drawing",
    "grid.partial": "text or drawing missing",
    "grid.empty": "empty page",
    "grid.audio": "the child's recording",
    "grid.caption": "Each row is one child's book; each column, a page. Click a page to open it.",
    "grid.child": "Child",
    "grid.page": "Page",
    "grid.state": "Status",
    "grid.published": "Published",
    "grid.publish": "Publish",
    "roster.title": "Paste the class list",
    "roster.more": "Add more children",
    "roster.label": "The children's names",
    "roster.hint": "One name per line. You can copy the names column from Excel and paste it here.",
    "roster.file": "Choose a CSV file",
    "roster.file_hint": "Or use the spreadsheet saved as CSV.",
    "roster.preview": "Check the list",
    "roster.fix": "Fix the list",
    "js.copy_text": "Magic code: {code}\nEdit key: {key}",
    "js.copied": "Copied! Paste it somewhere safe.",
    "js.copy_failed": "Copying did not work. Select the code and the key and copy them by hand.",
    "js.counter": "{count} of {max} characters",
    "js.too_long": "Over the limit of {max} characters.",
    "js.saving": "Saving…",
    "js.saved": "Saved!",
    "js.unsaved": "Changes not saved yet.",
    "js.save_retry": "Could not save just now. Trying again in {seconds} s; your text stays here.",
    "js.card_preparing": "Preparing the card…",
    "js.card_ready": "Card downloaded. Print it and keep it somewhere safe.",
    "js.uploading": "Uploading… {percent}%",
    "js.processing": "Preparing the drawing…",
    "js.file_too_large": "This file is {size} MB and the limit is {max} MB. Send a smaller "
    "photo (for example, taken at a lower resolution).",
    "js.uploaded": "Drawing uploaded!",
    "js.removing": "Removing…",
    "js.removed": "Drawing removed.",
    "js.no_drawing": "No drawing yet.",
    "js.choose": "Choose drawing",
    "js.replace": "Replace drawing",
    "js.preview_alt": "Preview of the drawing for page {number}",
    "js.recording": "Recording… Speak close to the microphone.",
    "js.recorded": "Recording ready ({duration}). Listen, and send it if it is good.",
    "js.recording_limit": "The limit of {limit} was reached and the recording stopped. Listen, "
    "and send it if it is good.",
    "js.recording_empty": "The recording came out empty. Please try again.",
    "js.voice_processing": "Preparing the recording…",
    "js.voice_uploaded": "Recording sent!",
    "js.voice_removed": "Recording deleted.",
    "js.voice_duration": "Length: {duration}",
    "js.voice_too_large": "This file is {size} MB and the limit is {max} MB. Record right here, "
    "or send a smaller file.",
    "js.mic_refused": "The browser did not allow the microphone. Allow the microphone for this "
    "site and try again, or upload an audio file.",
    "js.mic_missing": "No microphone was found on this device. Plug one in and try again, or "
    "upload an audio file.",
    "js.mic_busy": "Another program is using the microphone. Close it and try again, or upload "
    "an audio file.",
    "js.mic_insecure": "The browser records only on secure addresses (https://). Ask whoever "
    "runs the school's server to turn on https, or upload an audio file.",
    "js.mic_unsupported": "This browser cannot record audio. Use the latest Chrome, Firefox, "
    "Safari or Edge, or upload an audio file.",
    "js.mic_failed": "Recording could not start. Try again, or upload an audio file.",
    "js.editing": "Editing “{title}” · code {code}",
    "js.code_required": "Type the book's magic code.",
    "js.key_required": "Type the edit key you saved.",
    "js.network": "No connection to the server. Check the internet and try again.",
    "js.hello": "Hello, {name}!",
    "js.signed_out": "You have signed out. See you soon!",
    "js.sign_in_first": "Sign in with your account to open that class.",
    "js.password_changed": "New password saved! Now sign in with it.",
    "js.class_deleted": "The class “{name}” was deleted.",
    "js.delete_heading": "Delete the class “{name}”?",
    "js.delete_text": "All its books ({count}), with texts and drawings, will be deleted. "
    "There is no undo.",
    "js.summary": "Children: {children} · Pages done: {complete} of {pages} · Books "
    "published: {published}",
    "js.cell": "{author}, page {number}: {text}, {drawing}, {audio}",
    "js.has_text": "has text",
    "js.no_text": "no text",
    "js.has_drawing": "has a drawing",
    "js.lacks_drawing": "no drawing",
    "js.has_audio": "has a recording",
    "js.no_audio": "no recording",
    "js.publish_whose": " {author}'s book",
    "js.publishing": "Publishing…",
    "js.published_one": "{author}'s book is published.",
    "js.published_all": "Every book is published. The families can read them now!",
    "js.reading_list": "Reading the list…",
    "js.understood_heading": "We understood {count} names",
    "js.understood_heading_one": "We understood 1 name",
    "js.understood_text": "A list with one name per line.",
    "js.understood_table": "A table with columns separated by {delimiter} ({encoding}), "
    "{header}. The names came from column {column}.",
    "js.with_header": "with a row of titles, left out of the list",
    "js.without_header": "without a row of titles",
    "js.tab": "tabs",
    "js.create_books": "Create the {count} books",
    "js.create_books_one": "Create 1 book",
    "js.creating": "Creating the books…",
    "js.created_books": "Done! {count} books created, each with its magic code.",
    "js.created_books_one": "Done! 1 book created, with its magic code.",
    "js.roster_line": "Line {line}: {message}",
    "js.link_for": "Link for {email} (works until {until}):",
    "js.link_copy_failed": "Copying did not work. Select the link and copy it by hand.",
    # No js.problem.* or js.field.*: the API's own English is shown for those.
}

CATALOGS: Final[dict[Locale, dict[str, str]]] = {"pt-BR": PT, "en": EN}
Translate = Callable[..., str]


def _preferences(header: str) -> list[tuple[str, float]]:
    """The language ranges of an Accept-Language header, in the order written, with q."""
    ranges = []
    for item in header.split(","):
        tag, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag:
            ranges.append((tag.lower(), quality))
    return ranges


def negotiate(accept_language: str | None) -> Locale:
    """English only when the browser prefers some English over any Portuguese."""
    best: dict[str, tuple[float, int]] = {}
    for position, (tag, quality) in enumerate(_preferences(accept_language or "")):
        language = tag.split("-")[0]
        if language in ("en", "pt") and quality > 0:
            # Higher q wins; with equal q, the range written first wins.
            rank = (quality, -position)
            best[language] = max(best.get(language, rank), rank)
    if "en" in best and ("pt" not in best or best["en"] > best["pt"]):
        return "en"
    return DEFAULT_LOCALE


def translator(locale: Locale) -> Translate:
    """``t("key", name=value)``: the message in this locale (a missing key is a bug)."""
    catalog = CATALOGS[locale]

    def translate(key: str, /, **values: object) -> str:
        message = catalog[key]
        return message.format(**values) if values else message

    return translate


def script_messages(locale: Locale) -> dict[str, str]:
    """The ``js.`` messages, without the prefix, for the studio's JavaScript."""
    return {key[3:]: text for key, text in CATALOGS[locale].items() if key.startswith("js.")}
