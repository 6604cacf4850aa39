//! The VST3 host the in-process tests play (`bridge_vst3.rs`, `editor_vst3.rs`): this crate's own
//! `GetPluginFactory` → IComponent + IEditController, the host's IComponentHandler recording the
//! edits, and an IPlugFrame with the IRunLoop Linux hosts provide.

// Each test file uses part of it.
#![allow(dead_code)]

use std::ffi::c_void;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use nice_plug::prelude::Vst3Plugin;
use nice_plug::wrapper::vst3::vst3::Steinberg::Linux::{
    FileDescriptor, IEventHandler, IEventHandlerTrait, IRunLoop, IRunLoopTrait, ITimerHandler,
    TimerInterval,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::{
    IComponent, IComponentHandler, IComponentHandlerTrait, IEditController, IEditControllerTrait,
    ParamID, ParamValue, ParameterInfo,
};
use nice_plug::wrapper::vst3::vst3::Steinberg::{
    FUnknown, IPlugFrame, IPlugFrameTrait, IPlugView, IPlugViewTrait, IPluginBaseTrait,
    IPluginFactory, IPluginFactoryTrait, ViewRect, kPlatformTypeX11EmbedWindowID, kResultFalse,
    kResultOk, tresult,
};
use nice_plug::wrapper::vst3::vst3::{Class, ComPtr, ComRef, ComWrapper, Interface};

/// One initialized Webstrip instance, with the host's IComponentHandler set.
pub struct Plugin {
    pub component: ComPtr<IComponent>,
    pub controller: ComPtr<IEditController>,
    pub handler: ComWrapper<Handler>,
}

impl Plugin {
    /// factory → component (+ controller, the same object) → `initialize` → handler.
    pub fn create() -> Self {
        let factory = unsafe {
            ComPtr::<IPluginFactory>::from_raw(webstrip::GetPluginFactory() as *mut IPluginFactory)
        }
        .unwrap();
        let class_id = webstrip::Webstrip::VST3_CLASS_ID.map(|b| b as i8);
        let mut object: *mut c_void = std::ptr::null_mut();
        let result = unsafe {
            factory.createInstance(
                class_id.as_ptr(),
                IComponent::IID.as_ptr() as *const i8,
                &mut object,
            )
        };
        assert_eq!(result, kResultOk);
        let component =
            unsafe { ComPtr::<IComponent>::from_raw(object as *mut IComponent) }.unwrap();
        assert_eq!(
            unsafe { component.initialize(std::ptr::null_mut::<FUnknown>()) },
            kResultOk
        );
        let controller: ComPtr<IEditController> = component.cast().unwrap();
        let handler = ComWrapper::new(Handler::default());
        let handler_ptr = handler.to_com_ptr::<IComponentHandler>().unwrap();
        assert_eq!(
            unsafe { controller.setComponentHandler(handler_ptr.as_ptr()) },
            kResultOk
        );
        Self {
            component,
            controller,
            handler,
        }
    }

    /// The editor's view (X11 embedding supported), with the host's frame and run loop set.
    pub fn open_view(&self) -> (ComPtr<IPlugView>, ComWrapper<Frame>) {
        let view = unsafe {
            ComPtr::<IPlugView>::from_raw(self.controller.createView(c"editor".as_ptr()))
        }
        .expect("the plugin has an editor");
        assert_eq!(
            unsafe { view.isPlatformTypeSupported(kPlatformTypeX11EmbedWindowID) },
            kResultOk
        );
        let frame = ComWrapper::new(Frame::default());
        let frame_ptr = frame.to_com_ptr::<IPlugFrame>().unwrap();
        assert_eq!(unsafe { view.setFrame(frame_ptr.as_ptr()) }, kResultOk);
        (view, frame)
    }
}

/// What the host's IComponentHandler received.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    Begin(u32),
    Perform(u32, f64),
    End(u32),
}

impl Edit {
    pub fn id(&self) -> u32 {
        match *self {
            Edit::Begin(id) | Edit::Perform(id, _) | Edit::End(id) => id,
        }
    }
}

#[derive(Default)]
pub struct Handler {
    edits: Mutex<Vec<Edit>>,
}

impl Class for Handler {
    type Interfaces = (IComponentHandler,);
}

impl IComponentHandlerTrait for Handler {
    unsafe fn beginEdit(&self, id: ParamID) -> tresult {
        self.edits.lock().unwrap().push(Edit::Begin(id));
        kResultOk
    }
    unsafe fn performEdit(&self, id: ParamID, value: ParamValue) -> tresult {
        self.edits.lock().unwrap().push(Edit::Perform(id, value));
        kResultOk
    }
    unsafe fn endEdit(&self, id: ParamID) -> tresult {
        self.edits.lock().unwrap().push(Edit::End(id));
        kResultOk
    }
    unsafe fn restartComponent(&self, _flags: i32) -> tresult {
        kResultOk
    }
}

impl Handler {
    pub fn take(&self) -> Vec<Edit> {
        std::mem::take(&mut *self.edits.lock().unwrap())
    }
}

/// The host's window frame and run loop: the plugin registers an event handler and its socket;
/// [`Frame::pump`] is the host's UI loop (the test's main thread), calling a handler when its
/// socket is readable.
#[derive(Default)]
pub struct Frame {
    /// Registered handlers (not owned: the plugin unregisters them) and their sockets.
    pub handlers: Mutex<Vec<(usize, FileDescriptor)>>,
    /// `resizeView` requests (width, height), refused.
    pub resizes: Mutex<Vec<(i32, i32)>>,
}

impl Class for Frame {
    type Interfaces = (IPlugFrame, IRunLoop);
}

impl IPlugFrameTrait for Frame {
    unsafe fn resizeView(&self, _view: *mut IPlugView, new_size: *mut ViewRect) -> tresult {
        let rect = unsafe { &*new_size };
        self.resizes
            .lock()
            .unwrap()
            .push((rect.right - rect.left, rect.bottom - rect.top));
        kResultFalse
    }
}

impl IRunLoopTrait for Frame {
    unsafe fn registerEventHandler(
        &self,
        handler: *mut IEventHandler,
        fd: FileDescriptor,
    ) -> tresult {
        self.handlers.lock().unwrap().push((handler as usize, fd));
        kResultOk
    }
    unsafe fn unregisterEventHandler(&self, handler: *mut IEventHandler) -> tresult {
        self.handlers
            .lock()
            .unwrap()
            .retain(|(h, _)| *h != handler as usize);
        kResultOk
    }
    unsafe fn registerTimer(&self, _handler: *mut ITimerHandler, _ms: TimerInterval) -> tresult {
        kResultOk
    }
    unsafe fn unregisterTimer(&self, _handler: *mut ITimerHandler) -> tresult {
        kResultOk
    }
}

impl Frame {
    /// One turn of the host's UI loop that calls every registered handler, readable or not.
    pub fn run_loop(&self) {
        let handlers = self.handlers.lock().unwrap().clone();
        for (handler, fd) in handlers {
            let handler = unsafe { ComRef::from_raw(handler as *mut IEventHandler) }.unwrap();
            unsafe { handler.onFDIsSet(fd) };
        }
    }

    /// The host's UI loop for `duration`: polls the registered sockets and calls the handlers of
    /// the readable ones.
    pub fn pump(&self, duration: Duration) {
        let deadline = Instant::now() + duration;
        loop {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            let handlers = self.handlers.lock().unwrap().clone();
            let mut fds: Vec<libc::pollfd> = handlers
                .iter()
                .map(|&(_, fd)| libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            let wait = (deadline - now).min(Duration::from_millis(10));
            // SAFETY: polls a live array of pollfd.
            let ready = unsafe {
                libc::poll(
                    fds.as_mut_ptr(),
                    fds.len() as libc::nfds_t,
                    wait.as_millis() as i32,
                )
            };
            if ready <= 0 {
                continue;
            }
            for (&(handler, fd), polled) in handlers.iter().zip(&fds) {
                if polled.revents & libc::POLLIN != 0 {
                    let handler =
                        unsafe { ComRef::from_raw(handler as *mut IEventHandler) }.unwrap();
                    unsafe { handler.onFDIsSet(fd) };
                }
            }
        }
    }
}

/// The VST3 id of the parameter titled `title`.
pub fn param_id(controller: &ComPtr<IEditController>, title: &str) -> u32 {
    let count = unsafe { controller.getParameterCount() };
    (0..count)
        .find_map(|i| {
            let mut info: ParameterInfo = unsafe { std::mem::zeroed() };
            assert_eq!(
                unsafe { controller.getParameterInfo(i, &mut info) },
                kResultOk
            );
            let end = info
                .title
                .iter()
                .position(|&c| c == 0)
                .unwrap_or(info.title.len());
            (String::from_utf16_lossy(&info.title[..end]) == title).then_some(info.id)
        })
        .unwrap()
}
